package io.convscope.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.convscope.cli.Main;

/**
 * The main class for {@code spark-submit}: {@code convscope batch} with the options it takes, on the master
 * spark-submit was given (which it passes as the system property {@code spark.master}).
 */
public final class BatchJob {
    private BatchJob() {
    }

    public static void main(String[] args) {
        List<String> all = new ArrayList<>(List.of("batch"));
        all.addAll(Arrays.asList(args));
        String master = System.getProperty("spark.master");
        if (!all.contains("--spark") && master != null) {
            all.addAll(List.of("--spark", master));
        }
        Main.main(all.toArray(String[]::new));
    }
}
