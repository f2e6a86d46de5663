package dev.pier.apiserver.cell;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.auth.Authenticator;
import dev.pier.apiserver.auth.BootstrapToken;
import dev.pier.apiserver.auth.BootstrapTokenAuthenticator;
import dev.pier.apiserver.registry.Keys;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.registry.StoredObjects;
import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.crd.CustomResources;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.NameRule;
import dev.pier.apiserver.resources.BuiltinResources;
import dev.pier.apiserver.resources.pier.PierKinds;
import dev.pier.pki.CertificateAuthority;
import dev.pier.storage.KeyValue;
import dev.pier.storage.KeyValueStore;
import dev.pier.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cells a server hosts: the management cell (served at {@code /}) and tenant cells (served at
 * {@code /clusters/<name>}). Only the management cell serves the pier.dev kinds that describe tenant
 * clusters; both API sets are built once and shared. A cell's CA lives in storage, so every replica
 * sharing the store serves the same cells with the same credentials.
 */
public final class Cells implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Cells.class);
    /** The management cell's name; underscores cannot appear in a tenant cluster's DNS-label name. */
    public static final String MANAGEMENT = "_management";

    private final KeyValueStore kv;
    private final Clock clock;
    private final ServedApi builtin = ServedApi.of(BuiltinResources.registry().plus(List.of(CustomResources.DEFINITIONS)));
    /** The management cell's API: the built-in one plus the kinds that describe tenant clusters (decision 019). */
    private final ServedApi managementApi = ServedApi.of(builtin.registry().plus(PierKinds.types()));
    private final Map<String, Cell> cells = new ConcurrentHashMap<>();
    private final Map<String, TokenFile> tokens = new ConcurrentHashMap<>();
    private final Cell management;

    public Cells(KeyValueStore kv, Clock clock, TokenFile managementTokens) {
        this.kv = kv;
        this.clock = clock;
        tokens.put(MANAGEMENT, managementTokens);
        this.management = open(MANAGEMENT);
    }

    public Cell management() {
        return management;
    }

    /** A tenant cell by name, opened from storage on first use; empty if no such cell was created. */
    public Optional<Cell> tenant(String name) {
        Cell c = cells.get(name);
        if (c != null) return Optional.of(c);
        if (kv.get(caKey(name)).isEmpty()) return Optional.empty();
        return Optional.of(open(name));
    }

    /** Creates a tenant cell (or returns the existing one): its CA, its system namespaces. */
    public Cell createTenant(String name) {
        String why = NameRule.DNS_LABEL.check(name);
        if (why != null) throw new IllegalArgumentException("invalid cell name \"" + name + "\": " + why);
        return open(name);
    }

    /** Tokens a tenant cell accepts, besides client certificates of its CA. */
    public TokenFile tokens(String cell) {
        return tokens.computeIfAbsent(cell, c -> TokenFile.empty());
    }

    private Cell open(String name) {
        return cells.computeIfAbsent(name, n -> {
            long started = System.nanoTime();
            CertificateAuthority ca = loadOrCreateCa(n);
            Cell cell = new Cell(n, kv, n.equals(MANAGEMENT) ? managementApi : builtin, ca, new Authenticator(ca, tokens(n), bootstrapTokens(n)), clock);
            cell.start();
            LOG.info("Cell {} open in {} ms", n, (System.nanoTime() - started) / 1_000_000);
            return cell;
        });
    }

    /** The cell's bootstrap tokens, read from its kube-system Secrets at each use (one key read). */
    private BootstrapTokenAuthenticator bootstrapTokens(String cell) {
        ResourceType secrets = builtin.registry().find("", "v1", "secrets").orElseThrow();
        return new BootstrapTokenAuthenticator(name -> kv.get(Keys.objectKey(cell, secrets, BootstrapToken.NAMESPACE, name))
                .<JsonNode>map(StoredObjects::decode), clock);
    }

    private static String caKey(String cell) {
        return "/pier/cells/" + cell + "/ca";
    }

    private CertificateAuthority loadOrCreateCa(String cell) {
        Optional<KeyValue> stored = kv.get(caKey(cell));
        if (stored.isEmpty()) {
            CertificateAuthority ca = CertificateAuthority.generate(cell.equals(MANAGEMENT) ? "pier" : "pier-" + cell);
            ObjectNode doc = Json.object();
            doc.put("certificate", ca.certificatePem());
            doc.put("key", ca.privateKeyPem());
            try {
                kv.create(caKey(cell), Json.bytes(doc));
                LOG.info("Created cell {}: a new certificate authority {}", cell, ca.certificate().getSubjectX500Principal().getName());
                return ca;
            } catch (StorageException e) {
                if (e.code() != StorageException.Code.KEY_EXISTS) throw e;
                stored = kv.get(caKey(cell)); // another replica made it first: use theirs
            }
        }
        ObjectNode doc = Json.parseObject(stored.orElseThrow().value());
        return CertificateAuthority.fromPem(doc.path("certificate").asText(), doc.path("key").asText());
    }

    @Override
    public void close() {
        cells.values().forEach(Cell::close);
        LOG.info("Closed {} cell(s)", cells.size());
    }

}
