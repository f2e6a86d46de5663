package dev.pier.apiserver.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens in Kubernetes' static token file format: {@code token,user,uid,"group1,group2"} per line.
 * Tokens are kept only as SHA-256 digests, so a heap dump or a log of this object shows no token.
 */
public final class TokenFile {
    private final Map<String, UserInfo> byDigest = new ConcurrentHashMap<>();

    public static TokenFile empty() {
        return new TokenFile();
    }

    public static TokenFile load(Path file) throws IOException {
        TokenFile tokens = new TokenFile();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) continue;
            List<String> cols = csv(line);
            if (cols.size() < 2 || cols.get(0).isEmpty() || cols.get(1).isEmpty()) {
                throw new IOException(file + " line " + lineNo + ": expected token,user[,uid[,\"groups\"]]");
            }
            List<String> groups = cols.size() > 3 && !cols.get(3).isBlank() ? List.of(cols.get(3).split(",")) : List.of();
            tokens.add(cols.get(0), new UserInfo(cols.get(1), cols.size() > 2 ? cols.get(2) : "", groups, java.util.Map.of()));
        }
        return tokens;
    }

    public void add(String token, UserInfo user) {
        byDigest.put(digest(token), user);
    }

    public Optional<UserInfo> authenticate(String token) {
        return Optional.ofNullable(byDigest.get(digest(token)));
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> csv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) {
                out.add(cur.toString().trim());
                cur.setLength(0);
            } else cur.append(c);
        }
        out.add(cur.toString().trim());
        return out;
    }
}
