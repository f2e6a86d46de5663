package dev.pier.apiserver.http;

import dev.pier.apiserver.cell.Cell;

/**
 * A request for a node agent (the kubelet API): the cell whose CA issued the agent's serving
 * certificate and issues the API server's kubelet client certificate, the node's address, and the
 * agent's path with its query ({@code /containerLogs/ns/pod/c?follow=true}).
 */
record NodeRequest(Cell cell, String host, int port, String pathAndQuery) {
}
