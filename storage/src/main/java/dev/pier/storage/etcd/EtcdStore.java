package dev.pier.storage.etcd;

import dev.pier.storage.KeyValue;
import dev.pier.storage.KeyValueStore;
import dev.pier.storage.RangeRequest;
import dev.pier.storage.RangeResult;
import dev.pier.storage.StorageException;
import dev.pier.storage.Watch;
import dev.pier.storage.WatchListener;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The etcd backend. etcd already has the SPI's semantics (one revision per write, MVCC reads,
 * watches with previous values), so each call is one etcd request; conditional writes are
 * transactions whose else-branch reads the key, to tell "missing" from "conflict" without a second trip.
 */
public final class EtcdStore implements KeyValueStore {
    private static final int MAX_RESPONSE_BYTES = 512 * 1024 * 1024;

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    // etcd's "from this key on" range end
    private static final ByteSequence ALL_KEYS_FROM = ByteSequence.from(new byte[] {0});

    private final Client client;
    private final KV kv;
    private final Duration timeout;
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();

    private EtcdStore(Client client, Duration timeout) {
        this.client = client;
        this.kv = client.getKVClient();
        this.timeout = timeout;
    }

    /** A store on the etcd cluster at these endpoints, e.g. {@code http://127.0.0.1:2379}. Keys are used as given. */
    public static EtcdStore connect(List<String> endpoints) {
        return connect(endpoints, DEFAULT_TIMEOUT);
    }

    /** As {@link #connect(List)}, failing calls with UNAVAILABLE when etcd does not answer within {@code timeout}. */
    static EtcdStore connect(List<String> endpoints, Duration timeout) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no etcd endpoints");
        }
        // gRPC's default 4 MiB inbound limit would fail any range larger than that (10,000 pods are ~16 MB).
        return new EtcdStore(Client.builder().endpoints(endpoints.toArray(String[]::new))
                .maxInboundMessageSize(MAX_RESPONSE_BYTES).build(), timeout);
    }

    @Override
    public long currentRevision() {
        // any read carries the store revision in its header; a count of one key is the cheapest
        GetResponse response = call(() -> kv.get(ALL_KEYS_FROM, GetOption.builder().withCountOnly(true).build()));
        return response.getHeader().getRevision();
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return call(() -> kv.get(bytes(key))).getKvs().stream().findFirst().map(EtcdStore::keyValue);
    }

    @Override
    public RangeResult range(RangeRequest request) {
        ByteSequence prefix = bytes(request.prefix());
        ByteSequence from = request.startKey() != null && compare(bytes(request.startKey()), prefix) > 0
                ? bytes(request.startKey()) : prefix;
        // No explicit sort: etcd returns ranges in key order already, while asking for a sort makes
        // it read the whole range before applying the limit.
        GetOption option = GetOption.builder()
                .withRange(prefixEnd(prefix))
                .withLimit(request.limit())
                .withRevision(request.revision())
                .build();
        GetResponse response;
        try {
            response = call(() -> kv.get(nonEmpty(from), option));
        } catch (StorageException e) {
            throw revisionError(e, request.revision());
        }
        long revision = request.revision() == 0 ? response.getHeader().getRevision() : request.revision();
        return new RangeResult(response.getKvs().stream().map(EtcdStore::keyValue).toList(), revision, response.isMore());
    }

    @Override
    public KeyValue create(String key, byte[] value) {
        ByteSequence k = bytes(key);
        TxnResponse response = call(() -> kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
                .commit());
        if (!response.isSucceeded()) {
            throw StorageException.keyExists(key);
        }
        long revision = response.getHeader().getRevision();
        return new KeyValue(key, value, revision, revision);
    }

    @Override
    public KeyValue update(String key, long expectedModRevision, byte[] value) {
        ByteSequence k = bytes(key);
        TxnResponse response = conditional(k, expectedModRevision,
                Op.put(k, ByteSequence.from(value), PutOption.builder().withPrevKV().build()));
        KeyValue previous = keyValue(response.getPutResponses().getFirst().getPrevKv());
        long revision = response.getHeader().getRevision();
        return new KeyValue(key, value, previous.createRevision(), revision);
    }

    @Override
    public KeyValue delete(String key, long expectedModRevision) {
        ByteSequence k = bytes(key);
        TxnResponse response = conditional(k, expectedModRevision,
                Op.delete(k, DeleteOption.builder().withPrevKV(true).build()));
        return keyValue(response.getDeleteResponses().getFirst().getPrevKvs().getFirst());
    }

    /** Runs {@code op} if the key exists at that modRevision; otherwise reads it to say why not. */
    private TxnResponse conditional(ByteSequence key, long expectedModRevision, Op op) {
        TxnResponse response = call(() -> kv.txn()
                // etcd compares a missing key as revision 0, so existence needs its own check
                .If(new Cmp(key, Cmp.Op.GREATER, CmpTarget.createRevision(0)),
                    new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)))
                .Then(op)
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit());
        if (!response.isSucceeded()) {
            String name = key.toString(StandardCharsets.UTF_8);
            List<io.etcd.jetcd.KeyValue> current = response.getGetResponses().getFirst().getKvs();
            if (current.isEmpty()) {
                throw StorageException.keyNotFound(name);
            }
            throw StorageException.conflict(name, keyValue(current.getFirst()));
        }
        return response;
    }

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        // "From now" is pinned to a revision before returning: the watch is created asynchronously,
        // and a write the caller makes right after this call must not slip past it.
        long start = (afterRevision == 0 ? currentRevision() : afterRevision) + 1;
        ByteSequence key = bytes(prefix);
        WatchOption option = WatchOption.builder()
                .withRange(prefixEnd(key))
                .withPrevKV(true)
                .withRevision(start)
                .withCreateNotify(true)
                .build();
        EtcdWatch watch = new EtcdWatch(start - 1, listener, watches::remove);
        watches.add(watch);
        try {
            watch.start(client.getWatchClient(), nonEmpty(key), option);
        } catch (RuntimeException e) {
            watch.close();
            throw StorageException.unavailable("etcd watch failed: " + e.getMessage(), e);
        }
        return watch;
    }

    @Override
    public void compact(long revision) {
        try {
            call(() -> kv.compact(revision));
        } catch (StorageException e) {
            StorageException mapped = revisionError(e, revision);
            // compacting what is already compacted is done, as the SPI's contract reads
            if (mapped.code() != StorageException.Code.COMPACTED) {
                throw mapped;
            }
        }
    }

    @Override
    public void close() {
        // our watches end quietly; the client's own shutdown would report them as failed
        for (EtcdWatch watch : watches) {
            watch.close();
        }
        client.close();
    }

    private StorageException revisionError(StorageException e, long requested) {
        String message = String.valueOf(e.getCause() == null ? null : e.getCause().getMessage());
        if (message.contains("required revision has been compacted")) {
            // etcd does not say how far it compacted
            return StorageException.compacted(requested, 0);
        }
        if (message.contains("required revision is a future revision")) {
            return StorageException.futureRevision(requested, currentRevision());
        }
        return e;
    }

    /** Waits for one request; every failure, including one jetcd throws before sending, becomes UNAVAILABLE. */
    private <T> T call(Supplier<CompletableFuture<T>> request) {
        CompletableFuture<T> future;
        try {
            future = request.get();
        } catch (RuntimeException e) {
            throw StorageException.unavailable("etcd request failed: " + e.getMessage(), e);
        }
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw StorageException.unavailable("etcd request failed: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw StorageException.unavailable("etcd did not answer within " + timeout, e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw StorageException.unavailable("interrupted while waiting for etcd", e);
        }
    }

    static KeyValue keyValue(io.etcd.jetcd.KeyValue kv) {
        return new KeyValue(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().getBytes(),
                kv.getCreateRevision(), kv.getModRevision());
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    /** etcd rejects an empty key; the zero byte is the first key there is. */
    private static ByteSequence nonEmpty(ByteSequence key) {
        return key.isEmpty() ? ALL_KEYS_FROM : key;
    }

    private static int compare(ByteSequence a, ByteSequence b) {
        return Arrays.compareUnsigned(a.getBytes(), b.getBytes());
    }

    /** The range end that covers every key with this prefix; the zero byte means "no end" to etcd. */
    private static ByteSequence prefixEnd(ByteSequence prefix) {
        byte[] bytes = prefix.getBytes();
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] != (byte) 0xFF) {
                byte[] end = Arrays.copyOf(bytes, i + 1);
                end[i]++;
                return ByteSequence.from(end);
            }
        }
        return ALL_KEYS_FROM;
    }
}
