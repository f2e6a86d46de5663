/**
 * The agent's HTTPS server, the kubelet's port 10250 as the API server reaches it: container logs
 * read from the runtime's CRI log files, and exec, attach and port-forward relayed to containerd's
 * streaming server. {@link dev.pier.agent.server.AgentServer#start} is the entry point.
 *
 * <p>Only the API server's kubelet client may call it: a client certificate issued by the
 * cluster CA whose CN is {@code kube-apiserver-kubelet-client} or whose groups include
 * {@code system:masters}. See {@code docs/decisions/015-streaming.md}.
 */
package dev.pier.agent.server;
