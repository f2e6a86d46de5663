package dev.pier.agent.cri;

/**
 * Which Linux namespace a container uses: the pod's (shared by its containers), its own, or the
 * node's ({@code hostNetwork}, {@code hostPID}, {@code hostIPC}).
 */
public enum NamespaceMode { POD, CONTAINER, NODE }
