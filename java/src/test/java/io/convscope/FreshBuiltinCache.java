package io.convscope;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test an empty cache for the built-in models ({@code convscope.cacheDir}), as a first run on a new
 * machine has, and puts the property back afterwards: {@code @ExtendWith(FreshBuiltinCache.class)}.
 */
public final class FreshBuiltinCache implements BeforeEachCallback, AfterEachCallback {
    private static final String PROPERTY = "convscope.cacheDir";
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(FreshBuiltinCache.class);

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        Path folder = Files.createTempDirectory("convscope-cache");
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        store.put("previous", System.getProperty(PROPERTY, ""));
        store.put("folder", folder);
        System.setProperty(PROPERTY, folder.toString());
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        String previous = store.get("previous", String.class);
        if (previous.isEmpty()) {
            System.clearProperty(PROPERTY);
        } else {
            System.setProperty(PROPERTY, previous);
        }
        try (Stream<Path> files = Files.walk(store.get("folder", Path.class))) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The cache folder of the running test. */
    public static Path folder() {
        return Path.of(System.getProperty(PROPERTY));
    }
}
