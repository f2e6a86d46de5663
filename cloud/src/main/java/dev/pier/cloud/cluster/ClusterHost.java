package dev.pier.cloud.cluster;

/**
 * What the cluster controllers need from the server that hosts the clusters' control planes: the tenant
 * cells, their endpoint, and the services that live in the server process (cluster DNS).
 */
public interface ClusterHost {
  /** Creates the cluster's cell (its CA, its system namespaces), or opens it if it exists. */
  void createCell(String cluster);

  boolean cellExists(String cluster);

  /** Closes the cluster's cell and removes every storage key of it. */
  void deleteCell(String cluster);

  /** The URL kubectl uses for the cluster: {@code https://host:port/clusters/<name>}. */
  String endpoint(String cluster);

  /** The PEM of the CA the server's certificate is checked against. */
  String caCertificatePem();

  /** Serves the cluster's DNS where its nodes reach it, if this server can (idempotent). */
  void serveDns(String cluster);

  /** Stops the cluster's DNS server, if it runs. */
  void stopDns(String cluster);
}
