package org.iefvad.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The head configuration as stored in {@code model.json} ({@code format: iefvad-model/1}); field
 * names follow the golden cases so that their folders load unchanged.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelConfig(
        @JsonProperty("format") String format,
        @JsonProperty("version") String version,
        @JsonProperty("embed_dim") int embedDim,
        @JsonProperty("heads") int heads,
        @JsonProperty("layers") int layers,
        @JsonProperty("refine_steps") int refineSteps,
        @JsonProperty("refine_lambda") double refineLambda,
        @JsonProperty("noise_model") NoiseModel noiseModel,
        @JsonProperty("nu") double nu,
        @JsonProperty("epsilon") double epsilon,
        @JsonProperty("attention") Attention attention,
        @JsonProperty("kalman") Kalman kalman,
        @JsonProperty("encoder") Map<String, Object> encoder,
        @JsonProperty("provenance") Map<String, Object> provenance) {

    public static final String FORMAT = "iefvad-model/1";

    /** Temporal attention: {@code bidirectional} (offline) or {@code causal} with a window W (streaming). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Attention(@JsonProperty("mode") String mode, @JsonProperty("window") Integer window) {
        public static Attention bidirectional() {
            return new Attention("bidirectional", null);
        }

        public static Attention causal(int window) {
            return new Attention("causal", window);
        }

        public boolean causal() {
            return "causal".equals(mode);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Kalman(@JsonProperty("enabled") boolean enabled, @JsonProperty("process_noise") double processNoise) {}

    /** Checks what a model folder's reader relies on; the message names the field. */
    public void validate(String source) {
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException(source + ": format must be '" + FORMAT + "', found '" + format + "'");
        }
        if (embedDim <= 0 || heads <= 0 || embedDim % heads != 0) {
            throw new IllegalArgumentException(source + ": embed_dim (" + embedDim + ") must be a positive multiple of heads (" + heads + ")");
        }
        if (layers < 0 || refineSteps < 0) {
            throw new IllegalArgumentException(source + ": layers and refine_steps must be >= 0");
        }
        if (noiseModel == null) {
            throw new IllegalArgumentException(source + ": noise_model must be StudentT or Gaussian");
        }
        if (noiseModel == NoiseModel.StudentT && !(nu > 0)) {
            throw new IllegalArgumentException(source + ": nu must be > 0 for StudentT, found " + nu);
        }
        if (attention == null || !(attention.mode().equals("bidirectional") || attention.mode().equals("causal"))) {
            throw new IllegalArgumentException(source + ": attention.mode must be bidirectional or causal");
        }
        if (attention.causal() && (attention.window() == null || attention.window() < 1)) {
            throw new IllegalArgumentException(source + ": causal attention needs window >= 1");
        }
        if (kalman == null) {
            throw new IllegalArgumentException(source + ": kalman {enabled, process_noise} is missing");
        }
        if (kalman.processNoise() < 0) {
            throw new IllegalArgumentException(source + ": kalman.process_noise must be >= 0");
        }
    }

    /** How many past segments (including the current one) a causal output depends on: L(W-1)+1. */
    public int contextLength() {
        if (!attention.causal()) {
            throw new IllegalStateException("bidirectional attention has no finite context");
        }
        return layers * (attention.window() - 1) + 1;
    }

    public ModelConfig withAttention(Attention a) {
        return new ModelConfig(format, version, embedDim, heads, layers, refineSteps, refineLambda, noiseModel, nu,
                epsilon, a, kalman, encoder, provenance);
    }

    public ModelConfig withKalman(Kalman k) {
        return new ModelConfig(format, version, embedDim, heads, layers, refineSteps, refineLambda, noiseModel, nu,
                epsilon, attention, k, encoder, provenance);
    }

    public ModelConfig withVersion(String v) {
        return new ModelConfig(format, v, embedDim, heads, layers, refineSteps, refineLambda, noiseModel, nu,
                epsilon, attention, kalman, encoder, provenance);
    }

    public ModelConfig withEncoderAndProvenance(Map<String, Object> enc, Map<String, Object> prov) {
        return new ModelConfig(format, version, embedDim, heads, layers, refineSteps, refineLambda, noiseModel, nu,
                epsilon, attention, kalman, enc, prov);
    }
}
