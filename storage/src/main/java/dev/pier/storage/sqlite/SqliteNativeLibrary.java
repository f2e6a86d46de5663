package dev.pier.storage.sqlite;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where sqlite-jdbc's native library lives. By default sqlite-jdbc copies it out of its jar into
 * {@code java.io.tmpdir} under a new random name at every start and deletes it only through
 * {@code deleteOnExit}, so a process that ends without running the JVM's exit hooks ({@code kill -9},
 * or {@code Runtime.halt}, which {@code pier server} uses to exit 0 on SIGTERM) leaves a 1 MB file in
 * {@code /tmp} every time.
 *
 * <p>{@link #useDirectory} copies the library once into a directory of the installation (replaced only
 * when the jar's copy differs) and points sqlite-jdbc at it ({@code org.sqlite.lib.path}, which it tries
 * before extracting), so every start loads the same file and nothing accumulates anywhere.
 */
public final class SqliteNativeLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteNativeLibrary.class);
    static final String PATH_PROPERTY = "org.sqlite.lib.path";
    static final String NAME_PROPERTY = "org.sqlite.lib.name";

    private SqliteNativeLibrary() {
    }

    /**
     * Makes sqlite-jdbc load its native library from {@code dir} (created if needed). Call before the first
     * SQLite connection of the process; it does nothing when {@code org.sqlite.lib.path} is set already
     * (by the user, or by an earlier call), since sqlite-jdbc reads it only once.
     *
     * @return the library file sqlite-jdbc will load, or empty when the property was set already
     */
    public static synchronized Optional<Path> useDirectory(Path dir) {
        if (System.getProperty(PATH_PROPERTY) != null) return Optional.empty();
        String name = LibraryLoaderUtil.getNativeLibName();
        String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name;
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                // no library for this platform in the jar: sqlite-jdbc falls back to java.library.path itself
                LOG.warn("sqlite-jdbc has no native library at {}; leaving its default loading", resource);
                return Optional.empty();
            }
            byte[] library = in.readAllBytes();
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file) || !Arrays.equals(Files.readAllBytes(file), library)) {
                Files.createDirectories(dir);
                // a new file renamed over the old one: a process still mapping the old one keeps its copy
                Path tmp = Files.createTempFile(dir, name, ".tmp");
                try {
                    Files.write(tmp, library);
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                LOG.info("Installed sqlite-jdbc's native library ({} bytes) as {}", library.length, file.toAbsolutePath());
            }
            System.setProperty(PATH_PROPERTY, dir.toAbsolutePath().toString());
            System.setProperty(NAME_PROPERTY, name);
            return Optional.of(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not install sqlite-jdbc's native library in " + dir, e);
        }
    }
}
