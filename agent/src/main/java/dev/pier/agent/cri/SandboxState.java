package dev.pier.agent.cri;

/** A sandbox is ready while its pause process runs and its network is set up. */
public enum SandboxState { READY, NOT_READY }
