package dev.pier.agent.kubelet;

/**
 * A container's image is not there to run: {@code reason} is what the pod shows while waiting
 * (ErrImagePull, ImagePullBackOff, ErrImageNeverPull, InvalidImageName).
 */
final class ImagePullException extends Exception {
  private final String reason;

  ImagePullException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  String reason() {
    return reason;
  }
}
