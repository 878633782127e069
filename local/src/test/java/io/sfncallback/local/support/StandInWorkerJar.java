package io.sfncallback.local.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a small stand-in for the worker's shaded jar: one handler class compiled from {@code source} plus the
 * aws-lambda-java-core and aws-lambda-java-events classes, so the event source mapping can be tested on its own.
 */
public final class StandInWorkerJar {

    private StandInWorkerJar() {
    }

    public static Path build(Path directory, String className, String source) throws IOException {
        Path sources = Files.createDirectories(directory.resolve("src"));
        Path classes = Files.createDirectories(directory.resolve("classes"));
        Path file = sources.resolve(className.substring(className.lastIndexOf('.') + 1) + ".java");
        Files.writeString(file, source);
        List<Path> libraries = List.of(jarOf("com.amazonaws.services.lambda.runtime.RequestHandler"),
                jarOf("com.amazonaws.services.lambda.runtime.events.SQSEvent"));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        String classpath = String.join(java.io.File.pathSeparator, libraries.stream().map(Path::toString).toList());
        int status = compiler.run(null, null, null, "--release", "21", "-proc:none", "-cp", classpath, "-d",
                classes.toString(), file.toString());
        if (status != 0) {
            throw new IllegalStateException("the stand-in handler did not compile");
        }
        Path jar = directory.resolve("stand-in-worker.jar");
        Set<String> written = new HashSet<>();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            List<Path> compiled = new ArrayList<>();
            try (var walk = Files.walk(classes)) {
                walk.filter(Files::isRegularFile).forEach(compiled::add);
            }
            for (Path classFile : compiled) {
                String name = classes.relativize(classFile).toString().replace('\\', '/');
                add(out, written, name, Files.newInputStream(classFile));
            }
            for (Path library : libraries) {
                try (JarFile in = new JarFile(library.toFile())) {
                    for (JarEntry entry : java.util.Collections.list(in.entries())) {
                        if (!entry.isDirectory() && entry.getName().endsWith(".class")
                                && !entry.getName().contains("module-info")) {
                            add(out, written, entry.getName(), in.getInputStream(entry));
                        }
                    }
                }
            }
        }
        return jar;
    }

    private static void add(JarOutputStream out, Set<String> written, String name, InputStream content)
            throws IOException {
        try (content) {
            if (written.add(name)) {
                out.putNextEntry(new JarEntry(name));
                content.transferTo(out);
                out.closeEntry();
            }
        }
    }

    private static Path jarOf(String className) {
        try {
            return Path.of(Class.forName(className).getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (ClassNotFoundException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

}
