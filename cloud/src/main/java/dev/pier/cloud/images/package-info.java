/**
 * Images without the internet: the installation's own registry ({@link
 * dev.pier.cloud.images.LocalRegistry}, Debian's docker-registry on loopback), which every
 * machine's containerd uses as its mirror for docker.io and registry.k8s.io, and the images Pier
 * seeds it with ({@link dev.pier.cloud.images.SeedImages}: pause, busybox, nginx), built on the
 * host from Debian's packages and named as users expect.
 */
package dev.pier.cloud.images;
