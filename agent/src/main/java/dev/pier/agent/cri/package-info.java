/**
 * A client for the Container Runtime Interface (CRI v1), the gRPC API through which the kubelet
 * runs pods on containerd, over containerd's unix socket.
 *
 * <p>{@link dev.pier.agent.cri.CriClient} is the entry point. Requests and answers are plain
 * records of this package; the generated protobuf classes ({@code dev.pier.agent.cri.v1}) stay an
 * implementation detail, so callers never build protobuf messages. Failures are
 * {@link dev.pier.agent.cri.CriException}s carrying a code the caller can act on (for example
 * {@code NOT_FOUND} when a container is gone).
 */
package dev.pier.agent.cri;
