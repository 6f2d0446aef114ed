package io.convscope.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

/**
 * One page of a {@link Chromium}: load a file, run a script, take screenshots, and collect what the page did
 * along the way (console errors, uncaught exceptions, log errors, every request it sent).
 */
public final class BrowserTab {
    static final Duration LOAD_TIMEOUT = Duration.ofSeconds(90);

    private final DevToolsConnection connection;
    private final String sessionId;
    private int loadedFrom;

    BrowserTab(DevToolsConnection connection, String sessionId) {
        this.connection = connection;
        this.sessionId = sessionId;
    }

    JsonObject send(String method, JsonObject params) throws Exception {
        return connection.send(sessionId, method, params, Chromium.COMMAND_TIMEOUT);
    }

    /** Sets the viewport, as a desktop window of that size would have it. */
    public void viewport(int width, int height) throws Exception {
        JsonObject metrics = new JsonObject();
        metrics.addProperty("width", width);
        metrics.addProperty("height", height);
        metrics.addProperty("deviceScaleFactor", 1);
        metrics.addProperty("mobile", false);
        send("Emulation.setDeviceMetricsOverride", metrics);
    }

    /** {@code print} or {@code screen}: which CSS media the page is laid out for. */
    public void media(String media) throws Exception {
        JsonObject params = new JsonObject();
        params.addProperty("media", media);
        send("Emulation.setEmulatedMedia", params);
    }

    /** Opens {@code file} and waits for its load event, which comes after every image has loaded or failed. */
    public void open(Path file) throws Exception {
        loadedFrom = connection.mark();
        JsonObject params = new JsonObject();
        params.addProperty("url", file.toAbsolutePath().toUri().toString());
        JsonObject navigated = send("Page.navigate", params);
        if (navigated.has("errorText")) {
            throw new IllegalStateException("cannot open " + file + ": " + navigated.get("errorText"));
        }
        connection.await(loadedFrom, e -> mine(e) && method(e).equals("Page.loadEventFired"), LOAD_TIMEOUT,
                "load event for " + file);
    }

    /** Runs {@code expression} in the page; its value, as JSON. */
    public JsonElement evaluate(String expression) throws Exception {
        JsonObject params = new JsonObject();
        params.addProperty("expression", expression);
        params.addProperty("returnByValue", true);
        JsonObject result = send("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("script failed: " + result.get("exceptionDetails"));
        }
        JsonObject value = result.getAsJsonObject("result");
        return value.has("value") ? value.get("value") : null;
    }

    /** Runs a script that returns {@code JSON.stringify(...)}; the parsed value. */
    public JsonElement evaluateJson(String expression) throws Exception {
        return JsonParser.parseString(evaluate(expression).getAsString());
    }

    /** A PNG of the viewport, or of the whole page when {@code fullPage}. */
    public void screenshot(Path png, boolean fullPage) throws Exception {
        JsonObject params = new JsonObject();
        params.addProperty("format", "png");
        if (fullPage) {
            JsonObject clip = new JsonObject();
            clip.addProperty("x", 0);
            clip.addProperty("y", 0);
            clip.addProperty("width", evaluate("document.documentElement.scrollWidth").getAsDouble());
            clip.addProperty("height", evaluate("document.documentElement.scrollHeight").getAsDouble());
            clip.addProperty("scale", 1);
            params.add("clip", clip);
            params.addProperty("captureBeyondViewport", true);
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, Base64.getDecoder().decode(send("Page.captureScreenshot", params).get("data").getAsString()));
    }

    /** A PNG of the first element that matches the CSS {@code selector}, wherever it is on the page. */
    public void screenshotOf(String selector, Path png) throws Exception {
        JsonObject box = JsonParser.parseString(evaluate("JSON.stringify((() => { const r = document.querySelector("
                + new JsonPrimitive(selector) + ").getBoundingClientRect(); return {x: r.left + "
                + "scrollX, y: r.top + scrollY, width: r.width, height: r.height}; })())").getAsString())
                .getAsJsonObject();
        JsonObject clip = new JsonObject();
        for (String key : List.of("x", "y", "width", "height")) {
            clip.add(key, box.get(key));
        }
        clip.addProperty("scale", 1);
        JsonObject params = new JsonObject();
        params.addProperty("format", "png");
        params.add("clip", clip);
        params.addProperty("captureBeyondViewport", true);
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, Base64.getDecoder().decode(send("Page.captureScreenshot", params).get("data").getAsString()));
    }

    /** The page printed to PDF (A4, backgrounds as the print stylesheet says). */
    public byte[] printToPdf() throws Exception {
        JsonObject params = new JsonObject();
        params.addProperty("paperWidth", 8.27);
        params.addProperty("paperHeight", 11.69);
        return Base64.getDecoder().decode(send("Page.printToPDF", params).get("data").getAsString());
    }

    /**
     * Errors since the last {@link #open}: {@code console.error} calls, uncaught exceptions, and browser log
     * entries of level error (a picture that failed to load, a blocked request), each as one line.
     */
    public List<String> errors() {
        return connection.events(loadedFrom, e -> mine(e) && isError(e)).stream().map(JsonObject::toString)
                .toList();
    }

    /** The URL of every request the page sent since the last {@link #open}, in order. */
    public List<String> requests() {
        return connection.events(loadedFrom, e -> mine(e) && method(e).equals("Network.requestWillBeSent"))
                .stream().map(e -> e.getAsJsonObject("params").getAsJsonObject("request").get("url").getAsString())
                .toList();
    }

    private boolean mine(JsonObject event) {
        return event.has("sessionId") && event.get("sessionId").getAsString().equals(sessionId);
    }

    private static String method(JsonObject event) {
        return event.has("method") ? event.get("method").getAsString() : "";
    }

    private static boolean isError(JsonObject event) {
        JsonObject params = event.has("params") ? event.getAsJsonObject("params") : new JsonObject();
        return switch (method(event)) {
            case "Runtime.exceptionThrown" -> true;
            case "Runtime.consoleAPICalled" -> List.of("error", "assert").contains(params.get("type").getAsString());
            case "Log.entryAdded" -> params.getAsJsonObject("entry").get("level").getAsString().equals("error");
            default -> false;
        };
    }
}
