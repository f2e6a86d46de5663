package dev.pier.agent.proxy;

/**
 * One endpoint of one Service port as the proxy sees it.
 *
 * @param local whether the endpoint's pod runs on this node
 */
record ProxyEndpoint(String ip, int port, boolean ready, boolean serving, boolean terminating, boolean local) {
    /** {@code ip:port}, as kube-proxy names an endpoint in chain hashes and comments. */
    String address() {
        return ip + ":" + port;
    }
}
