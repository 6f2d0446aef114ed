package io.convscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.convscope.Device;
import io.convscope.batch.BatchListener;
import io.convscope.batch.BatchReport;
import io.convscope.batch.ClusterSettings;
import io.convscope.batch.ImageList;
import io.convscope.model.BundledModel;
import io.convscope.model.ModelCard;

/**
 * A real standalone Spark cluster on 127.0.0.1, started from the Maven jars: a master and two workers, each its
 * own JVM, whose executors are JVMs again; the batch runs on it from this JVM as the driver.
 */
class StandaloneClusterTest {
    private static final long START_TIMEOUT_MS = 120_000;

    @TempDir
    Path dir;

    private final List<Process> daemons = new ArrayList<>();
    private SparkSession spark;

    @AfterEach
    void stopAll() throws InterruptedException {
        if (spark != null) {
            spark.stop();
        }
        // Workers first, so that the master does not see them as lost; each stops its executors.
        for (int i = daemons.size() - 1; i >= 0; i--) {
            daemons.get(i).destroy();
            if (!daemons.get(i).waitFor(30, TimeUnit.SECONDS)) {
                daemons.get(i).destroyForcibly();
            }
        }
    }

    @Test
    void aMasterAndTwoWorkersRunTheBatchWithTheModelShippedAndAFreshNativeCacheOnEveryExecutor() throws Exception {
        Path images = Baseline.copySamples(dir);
        Path single = dir.resolve("single");
        Baseline.runSingle(images, single);

        Path home = sparkHome();
        int masterPort = freePort();
        String master = "spark://127.0.0.1:" + masterPort;
        daemons.add(daemon("master", home, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                String.valueOf(masterPort), "--webui-port", String.valueOf(freePort())));
        awaitPort(masterPort);
        for (int w = 1; w <= 2; w++) {
            daemons.add(daemon("worker" + w, home, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                    "--cores", "1", "--memory", "1500m", "--webui-port", String.valueOf(freePort()), "--work-dir",
                    Files.createDirectories(dir.resolve("work" + w)).toString(), master));
        }

        // The model travels as a file of its own (not the bundled copy inside the jar), its card beside it.
        Path model = Files.createDirectories(dir.resolve("model")).resolve("fashion.pt");
        Files.copy(BundledModel.modelFile(), model);
        Files.copy(ModelCard.cardPathFor(BundledModel.modelFile()), ModelCard.cardPathFor(model));
        Path freshCache = Files.createDirectories(dir.resolve("javacpp-cache"));

        spark = SparkSession.builder().master(master).appName("StandaloneClusterTest")
                .config("spark.driver.host", "127.0.0.1").config("spark.ui.enabled", "false")
                .config("spark.executor.memory", "1g").config("spark.executor.cores", "1")
                .config("spark.cores.max", "2")
                .config("spark.executor.extraClassPath", System.getProperty("convscope.sparkClasses"))
                // Spark puts each executor's id in place of {{EXECUTOR_ID}}: a fresh, empty cache per executor.
                .config("spark.executor.extraJavaOptions", "-Dorg.bytedeco.javacpp.cachedir=" + freshCache
                        + "/{{EXECUTOR_ID}}")
                .getOrCreate();
        awaitExecutors(2);
        Set<String> executorsWithTasks = ConcurrentHashMap.newKeySet();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                executorsWithTasks.add(end.taskInfo().executorId());
            }
        });

        Path out = dir.resolve("cluster");
        BatchReport report = SparkBatch.run(spark, model, Baseline.spec(images, out, "csv"),
                new ClusterSettings(master, 4, 1, Device.CPU), BatchListener.NONE);
        int n = ImageList.read(images).size();
        assertEquals(new BatchReport(n, 0, n, 0, out.resolve("results.csv").toRealPath()), report);
        Baseline.assertSameBatch(single, out, images);

        long deadline = System.currentTimeMillis() + 10_000;
        while (executorsWithTasks.size() < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(2, executorsWithTasks.size(), "both executors ran tasks: " + executorsWithTasks);
        for (String executor : executorsWithTasks) {
            assertTrue(Files.isDirectory(freshCache.resolve(executor).resolve("pytorch-2.10.0-1.5.13-linux-x86_64.jar")),
                    "executor " + executor + " extracted LibTorch into the fresh cache it was given");
        }
    }

    /** A SPARK_HOME whose jars/ holds every jar of this module's class path (links), where workers look. */
    private Path sparkHome() throws IOException {
        Path jars = Files.createDirectories(dir.resolve("spark-home/jars"));
        for (String entry : classpath()) {
            Path jar = Path.of(entry);
            if (entry.endsWith(".jar") && !Files.exists(jars.resolve(jar.getFileName()))) {
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
            }
        }
        return jars.getParent();
    }

    private static List<String> classpath() throws IOException {
        String text = Files.readString(Path.of(System.getProperty("convscope.sparkClasspath"))).strip();
        return Arrays.asList(text.split(java.io.File.pathSeparator));
    }

    private Process daemon(String name, Path home, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m"));
        command.addAll(Arrays.asList(System.getProperty("convscope.sparkJavaOptions").split(" ")));
        command.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, classpath()), mainClass));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        builder.environment().put("SPARK_HOME", home.toString());
        builder.environment().put("SPARK_SCALA_VERSION", "2.13");
        return builder.start();
    }

    private void awaitExecutors(int count) throws InterruptedException, IOException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        // The driver counts itself among the block managers.
        while (spark.sparkContext().getExecutorMemoryStatus().size() < count + 1) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(count + " executors did not register; worker log: "
                        + Files.readString(dir.resolve("worker1.log")));
            }
            Thread.sleep(200);
        }
    }

    private void awaitPort(int port) throws InterruptedException, IOException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("the master did not open port " + port + ": "
                            + Files.readString(dir.resolve("master.log")));
                }
                Thread.sleep(200);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
