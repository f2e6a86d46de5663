package dev.pier.cli;

import java.util.List;
import java.util.stream.Collectors;

/** The server answered with an error list: {@code pier} prints each entry and exits 1. */
final class ApiRefused extends RuntimeException {
    private final int status;
    private final List<ApiError> errors;

    ApiRefused(int status, List<ApiError> errors) {
        super(errors.stream().map(ApiError::describe).collect(Collectors.joining("\n")));
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    int status() {
        return status;
    }

    List<ApiError> errors() {
        return errors;
    }
}
