package io.convscope.browser;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * The Chrome DevTools Protocol over one WebSocket (JDK's built-in client): commands are JSON messages with an
 * id, answered by a message with the same id; everything else is an event, kept in arrival order so a test can
 * wait for one that came after a point it marked. Sessions of attached pages share the socket ("flatten" mode)
 * and are told apart by {@code sessionId}.
 */
final class DevToolsConnection implements AutoCloseable {
    private final WebSocket socket;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final List<JsonObject> events = new ArrayList<>();

    private DevToolsConnection(URI endpoint, Duration timeout) throws Exception {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(timeout)
                .buildAsync(endpoint, new Listener()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    static DevToolsConnection open(URI endpoint, Duration timeout) throws Exception {
        return new DevToolsConnection(endpoint, timeout);
    }

    /** Sends {@code method} (to the page session {@code sessionId}, or the browser when null); its result. */
    JsonObject send(String sessionId, String method, JsonObject params, Duration timeout) throws Exception {
        int id = nextId.getAndIncrement();
        JsonObject message = new JsonObject();
        message.addProperty("id", id);
        message.addProperty("method", method);
        message.add("params", params == null ? new JsonObject() : params);
        if (sessionId != null) {
            message.addProperty("sessionId", sessionId);
        }
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            socket.sendText(message.toString(), true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            JsonObject reply = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (reply.has("error")) {
                throw new IllegalStateException(method + " failed: " + reply.get("error"));
            }
            return reply.has("result") ? reply.getAsJsonObject("result") : new JsonObject();
        } catch (TimeoutException e) {
            throw new IllegalStateException(method + " got no answer within " + timeout.toSeconds() + " s", e);
        } finally {
            pending.remove(id);
        }
    }

    /** How many events have arrived so far: a mark to wait from. */
    synchronized int mark() {
        return events.size();
    }

    /** Events from {@code from} on that match {@code filter}, in arrival order. */
    synchronized List<JsonObject> events(int from, Predicate<JsonObject> filter) {
        return events.subList(from, events.size()).stream().filter(filter).toList();
    }

    /** The first event at or after {@code from} that matches, waiting up to {@code timeout} for it. */
    synchronized JsonObject await(int from, Predicate<JsonObject> filter, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (int i = from; i < events.size(); i++) {
                if (filter.test(events.get(i))) {
                    return events.get(i);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("no " + what + " within " + timeout.toSeconds() + " s");
            }
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
    }

    private synchronized void received(JsonObject event) {
        events.add(event);
        notifyAll();
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // The browser is killed next anyway; a socket that will not close cleanly changes nothing.
        }
        socket.abort();
    }

    /** Joins the parts of each message (screenshots arrive in many) and routes it. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                JsonObject message = JsonParser.parseString(text.toString()).getAsJsonObject();
                text.setLength(0);
                if (message.has("id")) {
                    CompletableFuture<JsonObject> answer = pending.get(message.get("id").getAsInt());
                    if (answer != null) {
                        answer.complete(message);
                    }
                } else {
                    received(message);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            pending.values().forEach(answer -> answer.completeExceptionally(error));
        }
    }
}
