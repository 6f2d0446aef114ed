package io.convscope.browser;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.google.gson.JsonObject;

/**
 * Headless Chromium (Debian's {@code chromium}) driven over the DevTools protocol, for tests. It runs with a
 * fresh profile, no network services of its own (no sync, updates or background requests) and a debugging port
 * chosen by the browser, which it writes to {@code DevToolsActivePort} in the profile. Closing it kills the
 * browser and every process it started, and deletes the profile.
 *
 * <p>The binary is {@code -Dconvscope.chromium}, else {@code /usr/bin/chromium}. A missing browser is an error,
 * not a reason to skip: CI installs it ({@code scripts/test.sh}).
 */
public final class Chromium implements AutoCloseable {
    static final Duration START_TIMEOUT = Duration.ofSeconds(45);
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path profile;
    private final Path log;
    private final DevToolsConnection connection;

    private Chromium(Process process, Path profile, Path log, DevToolsConnection connection) {
        this.process = process;
        this.profile = profile;
        this.log = log;
        this.connection = connection;
    }

    /** Starts the browser with its profile and log under {@code workDir}. */
    public static Chromium launch(Path workDir) throws Exception {
        Path binary = Path.of(System.getProperty("convscope.chromium", "/usr/bin/chromium"));
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("Chromium is not installed at " + binary + ": the report's browser test "
                    + "needs it; install it with 'apt-get install chromium' (scripts/test.sh does) or point "
                    + "-Dconvscope.chromium at a Chromium binary");
        }
        Files.createDirectories(workDir);
        Path profile = Files.createTempDirectory(workDir, "chromium-profile-");
        Path log = workDir.resolve(profile.getFileName() + ".log");
        List<String> command = List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            URI endpoint = endpoint(process, profile, log);
            return new Chromium(process, profile, log, DevToolsConnection.open(endpoint, START_TIMEOUT));
        } catch (Exception | Error e) {
            kill(process);
            deleteTree(profile);
            throw e;
        }
    }

    /** Reads {@code ws://127.0.0.1:PORT/devtools/browser/ID} from the profile once the browser has written it. */
    private static URI endpoint(Process process, Path profile, Path log) throws Exception {
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Chromium exited with " + process.exitValue() + " before it opened "
                        + "its debugging port; its output: " + tail(log));
            }
            if (Files.isRegularFile(portFile)) {
                List<String> lines = Files.readAllLines(portFile, StandardCharsets.UTF_8);
                if (lines.size() >= 2 && !lines.get(1).isBlank()) {
                    return URI.create("ws://127.0.0.1:" + lines.get(0).strip() + lines.get(1).strip());
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Chromium did not open its debugging port within "
                + START_TIMEOUT.toSeconds() + " s; its output: " + tail(log));
    }

    /** A new blank tab, attached, with console, log, network and page events on. */
    public BrowserTab newTab() throws Exception {
        JsonObject target = new JsonObject();
        target.addProperty("url", "about:blank");
        String targetId = connection.send(null, "Target.createTarget", target, COMMAND_TIMEOUT)
                .get("targetId").getAsString();
        JsonObject attach = new JsonObject();
        attach.addProperty("targetId", targetId);
        attach.addProperty("flatten", true);
        String sessionId = connection.send(null, "Target.attachToTarget", attach, COMMAND_TIMEOUT)
                .get("sessionId").getAsString();
        BrowserTab tab = new BrowserTab(connection, sessionId);
        for (String domain : List.of("Runtime", "Log", "Network", "Page")) {
            tab.send(domain + ".enable", null);
        }
        return tab;
    }

    /** The last lines Chromium printed, for failure messages. */
    public String logTail() {
        return tail(log);
    }

    @Override
    public void close() {
        connection.close();
        kill(process);
        deleteTree(profile);
    }

    /** The browser and its renderers, zygotes and helpers: children first, forcibly if they linger. */
    private static void kill(Process process) {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception stillAlive) {
                p.destroyForcibly();
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A profile file still held by a dying process: it is under target/ and goes with the next clean.
        }
    }
}
