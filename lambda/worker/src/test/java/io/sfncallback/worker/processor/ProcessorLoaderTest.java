package io.sfncallback.worker.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sfncallback.core.config.ConfigException;
import org.junit.jupiter.api.Test;

class ProcessorLoaderTest {

    public static final class Valid implements TaskProcessor {
        @Override
        public TaskResult process(TaskContext context) {
            return TaskResult.complete(null);
        }
    }

    public static final class NeedsArgument implements TaskProcessor {
        public NeedsArgument(String ignored) {
        }

        @Override
        public TaskResult process(TaskContext context) {
            return TaskResult.complete(null);
        }
    }

    public static final class Explodes implements TaskProcessor {
        public Explodes() {
            throw new IllegalStateException("no database configured");
        }

        @Override
        public TaskResult process(TaskContext context) {
            return TaskResult.complete(null);
        }
    }

    private static TaskProcessor load(Class<?> type) {
        return ProcessorLoader.load(type.getName(), ProcessorLoaderTest.class.getClassLoader());
    }

    @Test
    void loadsAPublicProcessorWithANoArgumentConstructor() {
        assertThat(load(Valid.class)).isInstanceOf(Valid.class);
        assertThat(ProcessorLoader.load(DemoProcessor.class.getName(), getClass().getClassLoader())).isInstanceOf(DemoProcessor.class);
    }

    @Test
    void everyProblemNamesTheVariable() {
        assertThatThrownBy(() -> ProcessorLoader.load("com.example.Missing", getClass().getClassLoader()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("PROCESSOR_CLASS='com.example.Missing' names a class that is not in the deployment package");
        assertThatThrownBy(() -> load(String.class)).hasMessageEndingWith("does not implement " + TaskProcessor.class.getName());
        assertThatThrownBy(() -> load(NeedsArgument.class)).hasMessageEndingWith("needs a public no-argument constructor");
        assertThatThrownBy(() -> load(Explodes.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("PROCESSOR_CLASS: the constructor of " + Explodes.class.getName() + " threw")
                .hasMessageContaining("no database configured");
    }
}
