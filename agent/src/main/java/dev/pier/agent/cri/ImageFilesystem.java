package dev.pier.agent.cri;

import java.util.Objects;

/** Where the runtime keeps its images and how many bytes they take there (CRI ImageFsInfo). */
public record ImageFilesystem(String mountpoint, long usedBytes) {
  public ImageFilesystem {
    Objects.requireNonNull(mountpoint, "mountpoint");
  }
}
