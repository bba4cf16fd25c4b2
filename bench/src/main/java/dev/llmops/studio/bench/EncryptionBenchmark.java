package dev.llmops.studio.bench;

import dev.llmops.studio.model.ModelPackageLoading;
import dev.llmops.studio.vault.EncryptedFiles;
import dev.llmops.studio.vault.MasterKey;
import dev.llmops.studio.vault.MasterKeyFile;
import dev.llmops.studio.vault.MasterKeyRing;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Encryption at rest (bench/encryption.sh): AES-256-GCM envelope encryption of a weights file the size of the
 * {@code small} preset's fp32 weights (10 M floats, 40 MB): encrypt and decrypt throughput, and the load time of
 * the weights (read + parse into a float[]) through decryption against a plain read. The files sit in the page
 * cache (the machine cannot drop it), which is the worst case for the relative overhead: from a cold disk the
 * plain read is slower and the decryption's share smaller. Arguments: floats (default 10,000,000) and timed runs
 * (default 9, after {@link EncryptedFiles#warmUp()} and 2 warm-up rounds); the order of plain and encrypted
 * alternates between runs. The first load in a fresh JVM (the cipher not yet compiled, as right after a server
 * start) is measured in child processes, with and without the warm-up; and the whole model-package load path of
 * the engine (unzip + build the DJL model) plain and from the vault.
 */
public final class EncryptionBenchmark {

    private static final int DEFAULT_FLOATS = 10_000_000;
    private static final int DEFAULT_RUNS = 9;
    private static final int WARM_UP_ROUNDS = 2;
    private static final int CHUNK = 1 << 20;

    private EncryptionBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int floats = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_FLOATS;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_RUNS;
        String loadBefore = loadAverage();
        Path folder = Path.of("target", "bench-encryption");
        deleteRecursively(folder);
        Files.createDirectories(folder);
        Path plain = folder.resolve("weights.f32");
        Path encrypted = folder.resolve("weights.enc");
        writeWeights(plain, floats);
        double megabytes = Files.size(plain) / 1e6;
        Path keyFile = folder.resolve("master.key");
        MasterKey master = MasterKeyFile.create(keyFile);
        EncryptedFiles files = new EncryptedFiles(MasterKeyRing.of(master));
        EncryptedFiles.warmUp(); // as the server does once it is up; the cold case is measured in child JVMs

        double[] encrypt = new double[runs];
        double[] decrypt = new double[runs];
        double[] plainRead = new double[runs];
        double[] plainLoad = new double[runs];
        double[] encryptedLoad = new double[runs];
        double[] rewrap = new double[runs];
        float expected = checksum(loadPlain(plain, floats));
        for (int round = -WARM_UP_ROUNDS; round < runs; round++) {
            long began = System.nanoTime();
            try (InputStream in = Files.newInputStream(plain)) {
                files.encrypt(in, encrypted);
            }
            double encryptSeconds = seconds(began);

            double plainLoadSeconds;
            double encryptedLoadSeconds;
            float[] fromPlain;
            float[] fromEncrypted;
            if ((round & 1) == 0) {
                began = System.nanoTime();
                fromPlain = loadPlain(plain, floats);
                plainLoadSeconds = seconds(began);
                began = System.nanoTime();
                fromEncrypted = loadEncrypted(files, encrypted, floats);
                encryptedLoadSeconds = seconds(began);
            } else {
                began = System.nanoTime();
                fromEncrypted = loadEncrypted(files, encrypted, floats);
                encryptedLoadSeconds = seconds(began);
                began = System.nanoTime();
                fromPlain = loadPlain(plain, floats);
                plainLoadSeconds = seconds(began);
            }
            if (checksum(fromPlain) != expected || !Arrays.equals(fromPlain, fromEncrypted)) {
                throw new IllegalStateException("decrypted weights differ from the plain ones");
            }

            began = System.nanoTime();
            drain(Files.newInputStream(plain));
            double plainReadSeconds = seconds(began);
            began = System.nanoTime();
            drain(files.openDecrypting(encrypted));
            double decryptSeconds = seconds(began);

            MasterKey next = MasterKey.generate();
            began = System.nanoTime();
            EncryptedFiles.rewrap(encrypted, master, next);
            double rewrapSeconds = seconds(began);
            EncryptedFiles.rewrap(encrypted, next, master);

            if (round >= 0) {
                encrypt[round] = encryptSeconds;
                decrypt[round] = decryptSeconds;
                plainRead[round] = plainReadSeconds;
                plainLoad[round] = plainLoadSeconds;
                encryptedLoad[round] = encryptedLoadSeconds;
                rewrap[round] = rewrapSeconds;
            }
        }
        FirstLoads firstLoads = firstLoads(plain, encrypted, keyFile, floats);
        ModelLoad modelLoad = modelPackageLoad(folder, files, keyFile, runs);
        String loadAfter = loadAverage();

        double overhead = (median(encryptedLoad) - median(plainLoad)) / median(plainLoad) * 100;
        StringBuilder out = new StringBuilder("\n=== Encryption at rest ===\n");
        out.append("date      ").append(LocalDate.now()).append('\n');
        out.append("machine   ").append(Machine.nproc()).append(" CPUs (nproc), ").append(Machine.cpuModel())
                .append(", ").append(Machine.memTotal()).append(" RAM, Java ").append(System.getProperty("java.version"))
                .append(", AES intrinsics ").append(aesIntrinsics()).append('\n');
        out.append("load      /proc/loadavg before ").append(loadBefore).append(", after ").append(loadAfter).append('\n');
        out.append(String.format(Locale.ROOT, "file      %,d floats = %.1f MB (fp32 weights of the small preset), "
                + "16 KiB segments, page cache warm; medians of %d runs after %d warm-up rounds%n%n", floats, megabytes,
                runs, WARM_UP_ROUNDS));
        out.append(row("encrypt (plain file -> encrypted file)", encrypt, megabytes));
        out.append(row("decrypt (encrypted file -> discarded)", decrypt, megabytes));
        out.append(row("plain read (file -> discarded)", plainRead, megabytes));
        out.append(row("load plain (read + parse into float[])", plainLoad, megabytes));
        out.append(row("load encrypted (decrypt + parse)", encryptedLoad, megabytes));
        out.append(row("rewrap (header + copy of the content)", rewrap, megabytes));
        out.append(String.format(Locale.ROOT, "%nload-time overhead of decryption: %+.1f %% (goal < 10 %%); "
                + "absolute %+.1f ms%n", overhead, (median(encryptedLoad) - median(plainLoad)) * 1000));
        out.append(String.format(Locale.ROOT, "%nfirst load in a fresh JVM (as right after a start), medians of %d "
                + "child processes each%n", FIRST_LOAD_RUNS));
        out.append(row("load plain", firstLoads.plain, megabytes));
        out.append(row("load encrypted, cipher not warmed up", firstLoads.cold, megabytes));
        out.append(row("load encrypted after EncryptedFiles.warmUp()", firstLoads.warm, megabytes));
        out.append(String.format(Locale.ROOT, "%-42s median %7.1f ms (runs in the background once the server is up)%n",
                "  the warm-up itself", median(firstLoads.warmUp) * 1000));
        out.append(String.format(Locale.ROOT, "%nmodel package of the small preset (%,d parameters, zip %.1f MB), the "
                + "engine's load path: unzip into a folder + build the DJL model from model.safetensors%n",
                modelLoad.parameters, modelLoad.megabytes));
        out.append(row("load plain zip", modelLoad.plain, modelLoad.megabytes));
        out.append(row("load zip from the vault (decrypting)", modelLoad.encrypted, modelLoad.megabytes));
        double modelOverhead = (median(modelLoad.encrypted) - median(modelLoad.plain)) / median(modelLoad.plain) * 100;
        out.append(String.format(Locale.ROOT, "model load-time overhead of decryption: %+.1f %% (goal < 10 %%); "
                + "absolute %+.1f ms%n", modelOverhead, (median(modelLoad.encrypted) - median(modelLoad.plain)) * 1000));
        out.append(String.format(Locale.ROOT, "first model load in a fresh JVM (engine already loaded), medians of %d "
                + "child processes each%n", FIRST_LOAD_RUNS));
        out.append(row("load plain zip", modelLoad.firstPlain, modelLoad.megabytes));
        out.append(row("load from the vault, cipher not warmed up", modelLoad.firstCold, modelLoad.megabytes));
        out.append(row("load from the vault after warmUp()", modelLoad.firstWarm, modelLoad.megabytes));
        out.append(String.format(Locale.ROOT, "first model load overhead: %+.1f %% cold, %+.1f %% after the warm-up%n",
                (median(modelLoad.firstCold) - median(modelLoad.firstPlain)) / median(modelLoad.firstPlain) * 100,
                (median(modelLoad.firstWarm) - median(modelLoad.firstPlain)) / median(modelLoad.firstPlain) * 100));
        System.out.print(out);
        deleteRecursively(folder);
    }

    private static final int FIRST_LOAD_RUNS = 3;

    private record FirstLoads(double[] plain, double[] cold, double[] warm, double[] warmUp) {
    }

    /** Each load in its own JVM, alternating the kinds, so that none profits from another's compiled code. */
    private static FirstLoads firstLoads(Path plain, Path encrypted, Path keyFile, int floats) throws IOException {
        double[] plainLoads = new double[FIRST_LOAD_RUNS];
        double[] cold = new double[FIRST_LOAD_RUNS];
        double[] warm = new double[FIRST_LOAD_RUNS];
        double[] warmUp = new double[FIRST_LOAD_RUNS];
        for (int run = 0; run < FIRST_LOAD_RUNS; run++) {
            plainLoads[run] = child("plain", plain.toString(), String.valueOf(floats))[1];
            cold[run] = child("cold", encrypted.toString(), keyFile.toString(), String.valueOf(floats))[1];
            double[] warmed = child("warm", encrypted.toString(), keyFile.toString(), String.valueOf(floats));
            warmUp[run] = warmed[0];
            warm[run] = warmed[1];
        }
        return new FirstLoads(plainLoads, cold, warm, warmUp);
    }

    /** Runs {@link EncryptionFirstLoad} with these arguments; returns its warm-up and load time in seconds. */
    private static double[] child(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", classpath(), EncryptionFirstLoad.class.getName()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new IOException("first-load child failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String result = output.lines().filter(line -> line.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new IOException("no RESULT from the first-load child: " + output));
        String[] fields = result.split(" ");
        return new double[] {Double.parseDouble(fields[1]) / 1000, Double.parseDouble(fields[2]) / 1000};
    }

    /** exec:java runs the benchmark in Maven's JVM with the test classpath in a class loader of its own. */
    private static String classpath() {
        if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader) {
            StringBuilder path = new StringBuilder();
            for (URL url : loader.getURLs()) {
                try {
                    path.append(path.length() == 0 ? "" : File.pathSeparator).append(Path.of(url.toURI()));
                } catch (URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }
            return path.toString();
        }
        return System.getProperty("java.class.path");
    }

    private record ModelLoad(long parameters, double megabytes, double[] plain, double[] encrypted,
                             double[] firstPlain, double[] firstCold, double[] firstWarm) {
    }

    /** Plain zip against the same zip encrypted, through the whole load; the order alternates between runs. */
    private static ModelLoad modelPackageLoad(Path folder, EncryptedFiles files, Path keyFile, int runs)
            throws IOException {
        Path zip = folder.resolve("small.zip");
        Path encrypted = folder.resolve("small.zip.enc");
        Path unpacked = folder.resolve("unpacked");
        long parameters = ModelPackageLoading.writeSmallPackage(zip);
        try (InputStream in = Files.newInputStream(zip)) {
            files.encrypt(in, encrypted);
        }
        double[] plain = new double[runs];
        double[] decrypting = new double[runs];
        for (int round = -WARM_UP_ROUNDS; round < runs; round++) {
            double plainSeconds = 0;
            double encryptedSeconds = 0;
            for (int order = 0; order < 2; order++) {
                boolean plainNow = (order == 0) == ((round & 1) == 0);
                long began = System.nanoTime();
                long loaded = ModelPackageLoading.unzipAndLoad(plainNow ? Files.newInputStream(zip)
                        : files.openDecrypting(encrypted), unpacked);
                if (loaded != parameters) {
                    throw new IllegalStateException("loaded " + loaded + " parameters, not " + parameters);
                }
                if (plainNow) {
                    plainSeconds = seconds(began);
                } else {
                    encryptedSeconds = seconds(began);
                }
            }
            if (round >= 0) {
                plain[round] = plainSeconds;
                decrypting[round] = encryptedSeconds;
            }
        }
        double[] firstPlain = new double[FIRST_LOAD_RUNS];
        double[] firstCold = new double[FIRST_LOAD_RUNS];
        double[] firstWarm = new double[FIRST_LOAD_RUNS];
        for (int run = 0; run < FIRST_LOAD_RUNS; run++) {
            firstPlain[run] = child("model-plain", zip.toString())[1];
            firstCold[run] = child("model-cold", encrypted.toString(), keyFile.toString())[1];
            firstWarm[run] = child("model-warm", encrypted.toString(), keyFile.toString())[1];
        }
        return new ModelLoad(parameters, Files.size(zip) / 1e6, plain, decrypting, firstPlain, firstCold, firstWarm);
    }

    private static String row(String what, double[] seconds, double megabytes) {
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%-42s median %7.1f ms  %7.0f MB/s   (min %.1f ms, max %.1f ms)%n", what,
                median(seconds) * 1000, megabytes / median(seconds), sorted[0] * 1000, sorted[sorted.length - 1] * 1000);
    }

    /** Gaussian weights with the spread of a trained small model; seeded, so every run reads the same bytes. */
    private static void writeWeights(Path file, int floats) throws IOException {
        Random random = new Random(20_261_128L);
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < floats; i++) {
                if (!chunk.hasRemaining()) {
                    out.write(chunk.array(), 0, chunk.position());
                    chunk.clear();
                }
                chunk.putFloat((float) random.nextGaussian() * 0.02f);
            }
            out.write(chunk.array(), 0, chunk.position());
        }
    }

    private static float[] loadPlain(Path file, int floats) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, floats);
        }
    }

    private static float[] loadEncrypted(EncryptedFiles files, Path file, int floats) throws IOException {
        try (InputStream in = files.openDecrypting(file)) {
            return parse(in, floats);
        }
    }

    /** What a weights loader does: little-endian fp32 bytes into a float[], a chunk at a time. */
    static float[] parse(InputStream in, int floats) throws IOException {
        float[] weights = new float[floats];
        byte[] chunk = new byte[CHUNK];
        FloatBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        int filled = 0;
        while (filled < floats) {
            int bytes = in.readNBytes(chunk, 0, Math.min(CHUNK, (floats - filled) * Float.BYTES));
            if (bytes == 0) {
                throw new IOException("weights file ends after " + filled + " floats");
            }
            view.clear();
            view.get(weights, filled, bytes / Float.BYTES);
            filled += bytes / Float.BYTES;
        }
        return weights;
    }

    private static void drain(InputStream stream) throws IOException {
        byte[] chunk = new byte[CHUNK];
        try (InputStream in = stream) {
            while (in.read(chunk) >= 0) {
                // discard: only the reading is measured
            }
        }
    }

    private static float checksum(float[] values) {
        float sum = 0;
        for (float value : values) {
            sum += value;
        }
        return sum;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double seconds(long began) {
        return (System.nanoTime() - began) / 1e9;
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String aesIntrinsics() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("flags"))
                    .findFirst().map(line -> line.contains(" aes ") ? "available (aes, "
                            + (line.contains(" pclmulqdq ") ? "pclmulqdq" : "no pclmulqdq") + ")" : "NOT available")
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
