package dev.pier.agent.cri;

/** A container's state in the runtime. */
public enum ContainerState { CREATED, RUNNING, EXITED, UNKNOWN }
