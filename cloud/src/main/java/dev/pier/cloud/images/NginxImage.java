package dev.pier.cloud.images;

import dev.pier.cloud.host.CommandRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code docker.io/library/nginx}: Debian's nginx (nginx-light) and the shared libraries ldd
 * names, serving Debian's default page on port 80 in the foreground, access log to stdout and
 * errors to stderr as the official image does, workers as www-data.
 */
final class NginxImage implements ImageRecipe {
  static final ImageName NAME = ImageName.parse("docker.io/library/nginx:latest");
  private static final Path NGINX = Path.of("/usr/sbin/nginx");
  private static final Path MIME_TYPES = Path.of("/etc/nginx/mime.types");
  private static final Path DEFAULT_PAGE = Path.of("/usr/share/nginx/html/index.html");

  private static final String CONFIG = """
      # Pier's nginx image: Debian's nginx serving its default page.
      user www-data;
      worker_processes auto;
      pid /run/nginx.pid;
      error_log stderr;

      events {
        worker_connections 1024;
      }

      http {
        include /etc/nginx/mime.types;
        default_type application/octet-stream;
        access_log /dev/stdout;
        sendfile on;
        keepalive_timeout 65;

        server {
          listen 80 default_server;
          server_name _;
          root /usr/share/nginx/html;
          index index.html;
          location / {
            try_files $uri $uri/ =404;
          }
        }
      }
      """;

  @Override
  public ImageName name() {
    return NAME;
  }

  @Override
  public String fingerprint(CommandRunner run) throws IOException {
    List<Path> inputs = new ArrayList<>(List.of(NGINX, MIME_TYPES, DEFAULT_PAGE));
    inputs.addAll(Rootfs.libraries(run, NGINX));
    return ImageRecipe.fingerprint("nginx-1\n" + CONFIG, inputs);
  }

  @Override
  public void build(Rootfs rootfs, Path workDir, CommandRunner run) throws IOException {
    rootfs.copyProgram(run, NGINX);
    rootfs.copy(MIME_TYPES);
    rootfs.copy(DEFAULT_PAGE);
    rootfs.write("/etc/nginx/nginx.conf", CONFIG);
    rootfs.accounts(List.of("www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin"), List.of("www-data:x:33:"));
    // nginx creates its temporary directories (body, proxy, ...) below this one, owned by its workers' user
    rootfs.directory("/var/lib/nginx", 0755);
    rootfs.directory("/var/log/nginx", 0755);
    rootfs.directory("/run", 0755);
  }

  @Override
  public ImageConfig config() {
    return new ImageConfig(List.of(), List.of("nginx", "-g", "daemon off;"), List.of(ImageConfig.PATH), "",
        List.of("80/tcp"), "SIGQUIT");
  }
}
