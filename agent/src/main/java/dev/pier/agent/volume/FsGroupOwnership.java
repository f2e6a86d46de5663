package dev.pier.agent.volume;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pod's {@code securityContext.fsGroup} applied to a volume, as the kubelet applies it: every file
 * and directory gets the group, group read and write (read only on a read-only volume), directories
 * also group search and setgid so that what containers create later inherits the group. Symbolic
 * links are left alone. Under {@code fsGroupChangePolicy: OnRootMismatch} a volume whose root already
 * looks done is skipped, which spares large volumes a full walk on every pod start.
 */
public final class FsGroupOwnership {
  private static final Logger log = LoggerFactory.getLogger(FsGroupOwnership.class);
  static final int SETGID = 02000;
  static final int GROUP_RW = 0060;
  static final int GROUP_R = 0040;
  static final int GROUP_X = 0010;

  private FsGroupOwnership() {}

  /**
   * Applies {@code fsGroup} to the tree at {@code root}; returns whether it walked it.
   *
   * @param policy the pod's {@code fsGroupChangePolicy}: {@code OnRootMismatch}, else {@code Always}
   */
  public static boolean apply(Path root, long fsGroup, String policy, boolean readOnly) throws IOException {
    if ("OnRootMismatch".equals(policy)) {
      int gid = (Integer) Files.getAttribute(root, "unix:gid", LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) Files.getAttribute(root, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      if (!rootNeedsChange(gid, mode, fsGroup, readOnly)) {
        log.debug("{} already has group {}: ownership left as it is (OnRootMismatch)", root, fsGroup);
        return false;
      }
    }
    log.info("setting group {} on {}", fsGroup, root);
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        change(dir, fsGroup, readOnly, true);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (!attrs.isSymbolicLink()) change(file, fsGroup, readOnly, false);
        return FileVisitResult.CONTINUE;
      }
    });
    return true;
  }

  /** The kubelet's test of the volume root: the right group, setgid, and group read (and write unless read-only). */
  static boolean rootNeedsChange(int gid, int mode, long fsGroup, boolean readOnly) {
    if (gid != fsGroup) return true;
    if ((mode & SETGID) == 0) return true;
    int wanted = readOnly ? GROUP_R : GROUP_RW;
    return (mode & wanted) != wanted;
  }

  /** The mode a file or directory gets: its own plus the group bits (and setgid for directories). */
  static int changedMode(int mode, boolean readOnly, boolean directory) {
    int added = readOnly ? GROUP_R : GROUP_RW;
    if (directory) added |= GROUP_X | SETGID;
    return (mode & 07777) | added;
  }

  private static void change(Path p, long fsGroup, boolean readOnly, boolean directory) throws IOException {
    Files.setAttribute(p, "unix:gid", (int) fsGroup, LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    int next = changedMode(mode, readOnly, directory);
    if (next != (mode & 07777)) Files.setAttribute(p, "unix:mode", next, LinkOption.NOFOLLOW_LINKS);
  }
}
