package dev.pier.cloud.cluster;

/**
 * NKS's phases of a cluster or node group, from where it was and whether it now is what its spec asks
 * (every machine there and its node Ready): a new object is CREATE_IN_PROGRESS until settled once, then
 * UPDATE_IN_PROGRESS whenever it is not settled, UPDATE_COMPLETE when it is again.
 */
final class Phases {
  static final String CREATE_IN_PROGRESS = "CREATE_IN_PROGRESS";
  static final String CREATE_COMPLETE = "CREATE_COMPLETE";
  static final String UPDATE_IN_PROGRESS = "UPDATE_IN_PROGRESS";
  static final String UPDATE_COMPLETE = "UPDATE_COMPLETE";
  static final String DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS";

  private Phases() {}

  static String next(String current, boolean settled) {
    return switch (current) {
      case "", CREATE_IN_PROGRESS -> settled ? CREATE_COMPLETE : CREATE_IN_PROGRESS;
      case UPDATE_IN_PROGRESS -> settled ? UPDATE_COMPLETE : UPDATE_IN_PROGRESS;
      default -> settled ? current : UPDATE_IN_PROGRESS;
    };
  }
}
