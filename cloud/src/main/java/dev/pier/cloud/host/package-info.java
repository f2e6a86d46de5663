/**
 * The host under the cloud layer: running its commands ({@link dev.pier.cloud.host.CommandRunner}),
 * waiting on conditions with a deadline. Every program Pier runs on the host goes through here,
 * so the log shows each one.
 */
package dev.pier.cloud.host;
