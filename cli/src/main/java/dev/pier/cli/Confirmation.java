package dev.pier.cli;

import java.io.Console;

/**
 * Whether a deletion may go ahead: {@code --yes} says so; without it a person at a terminal is asked, and a script
 * (no terminal) is refused rather than left waiting for an answer no one will type.
 */
final class Confirmation {
    private Confirmation() {
    }

    /**
     * @param what   what is deleted, e.g. {@code cluster "prod"}
     * @param yes    whether {@code --yes} was given
     * @param console the terminal, or null when stdin is not one
     * @return whether to delete
     * @throws LocalProblem without {@code --yes} and without a terminal
     */
    static boolean confirmed(String what, boolean yes, Console console) {
        if (yes) return true;
        if (console == null) {
            throw new LocalProblem("refusing to delete " + what + " without confirmation: pass --yes (stdin is not a terminal to ask on)");
        }
        String answer = console.readLine("Delete %s? [y/N] ", what);
        return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
    }
}
