package dev.pier.agent.kubelet;

import dev.pier.agent.cri.Container;
import dev.pier.agent.cri.ContainerFilter;
import dev.pier.agent.cri.CriClient;
import dev.pier.agent.cri.CriException;
import dev.pier.agent.cri.ImageFilesystem;
import dev.pier.agent.cri.ImageInfo;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's image garbage collection: when the file system holding the runtime's images is
 * fuller than the high threshold, images no container uses are removed, longest unused first, until
 * it is back under the low threshold. The sandbox image, pinned images and images unused for less
 * than the minimum age stay.
 */
public final class ImageGarbageCollector {
  static final Duration PERIOD = Duration.ofMinutes(5);
  private static final Logger log = LoggerFactory.getLogger(ImageGarbageCollector.class);

  /** Thresholds in percent of the file system, and how long an image must have been unused. */
  public record Policy(int highPercent, int lowPercent, Duration minAge, String sandboxImage) {
    public Policy {
      if (highPercent < 0 || highPercent > 100 || lowPercent < 0 || lowPercent > highPercent) {
        throw new IllegalArgumentException("image GC thresholds must satisfy 0 <= low <= high <= 100, were low "
            + lowPercent + ", high " + highPercent);
      }
    }
  }

  private final CriClient cri;
  private final Policy policy;
  private final Clock clock;
  /** image id → when it was first seen unused by any container. */
  private final Map<String, Instant> unusedSince = new ConcurrentHashMap<>();

  ImageGarbageCollector(CriClient cri, Policy policy, Clock clock) {
    this.cri = cri;
    this.policy = policy;
    this.clock = clock;
  }

  /** One pass; returns the bytes it freed. */
  long collect() {
    try {
      ImageFilesystem fs = cri.imageFilesystem();
      FileStore store = Files.getFileStore(Path.of(fs.mountpoint()));
      long capacity = store.getTotalSpace();
      long used = capacity - store.getUsableSpace();
      List<ImageInfo> images = cri.listImages();
      Set<String> inUse = new HashSet<>();
      for (Container c : cri.listContainers(ContainerFilter.ALL)) {
        inUse.add(c.imageRef());
        inUse.add(c.image());
      }
      Instant now = clock.instant();
      List<ImageInfo> candidates = new ArrayList<>();
      for (ImageInfo image : images) {
        boolean inUseNow = inUse.contains(image.id()) || image.repoTags().stream().anyMatch(inUse::contains);
        if (inUseNow) {
          unusedSince.remove(image.id());
        } else {
          unusedSince.putIfAbsent(image.id(), now);
          candidates.add(image);
        }
      }
      long toFree = bytesToFree(capacity, used, policy);
      if (toFree <= 0) return 0;
      long freed = 0;
      for (ImageInfo image : choose(candidates, unusedSince, now, policy, toFree)) {
        try {
          cri.removeImage(image.id());
          freed += image.sizeBytes();
          unusedSince.remove(image.id());
          log.info("image GC removed {} ({} bytes)", image.repoTags().isEmpty() ? image.id() : image.repoTags().getFirst(), image.sizeBytes());
        } catch (CriException e) {
          log.warn("image GC could not remove {}: {}", image.id(), e.getMessage());
        }
      }
      return freed;
    } catch (IOException | CriException e) {
      log.warn("image GC skipped: {}", e.getMessage());
      return 0;
    }
  }

  /** Bytes to free to get from above the high threshold down to the low one; zero below the high one. */
  static long bytesToFree(long capacity, long used, Policy policy) {
    if (capacity <= 0) return 0;
    if (used * 100 < (long) policy.highPercent() * capacity) return 0;
    return used - capacity * policy.lowPercent() / 100;
  }

  /** Unused images old enough, longest unused first, until {@code toFree} bytes are covered. */
  static List<ImageInfo> choose(List<ImageInfo> unused, Map<String, Instant> unusedSince, Instant now, Policy policy, long toFree) {
    List<ImageInfo> chosen = new ArrayList<>();
    long covered = 0;
    List<ImageInfo> ordered = unused.stream()
        .filter(i -> !i.pinned() && !i.repoTags().contains(policy.sandboxImage()))
        .filter(i -> Duration.between(unusedSince.getOrDefault(i.id(), now), now).compareTo(policy.minAge()) >= 0)
        .sorted(Comparator.comparing((ImageInfo i) -> unusedSince.getOrDefault(i.id(), now)))
        .toList();
    for (ImageInfo image : ordered) {
      if (covered >= toFree) break;
      chosen.add(image);
      covered += image.sizeBytes();
    }
    return chosen;
  }
}
