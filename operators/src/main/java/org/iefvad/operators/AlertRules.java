package org.iefvad.operators;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The alert rule of every camera: {@code defaults} unless {@code perCamera} names the camera. */
public record AlertRules(AlertRule defaults, Map<String, AlertRule> perCamera) implements Serializable {
    public AlertRules {
        Objects.requireNonNull(defaults, "default alert rule");
        // Map.copyOf is serializable and immutable, so the rules ship safely inside the function
        perCamera = Map.copyOf(perCamera);
    }

    public static AlertRules of(AlertRule defaults) {
        return new AlertRules(defaults, Map.of());
    }

    /** {@link AlertRule#DEFAULT} for every camera. */
    public static AlertRules standard() {
        return of(AlertRule.DEFAULT);
    }

    public AlertRule forCamera(String camera) {
        return perCamera.getOrDefault(camera, defaults);
    }

    /**
     * Reads the {@code --alert-rule} values: {@code high,k,low,m} sets the default and
     * {@code <camera>=high,k,low,m} one camera's rule (split at the last '=', so a camera id may
     * contain one). Later values win over earlier ones. No values gives {@link AlertRule#DEFAULT}.
     */
    public static AlertRules parse(List<String> specs) {
        AlertRule defaults = AlertRule.DEFAULT;
        Map<String, AlertRule> cams = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.lastIndexOf('=');
            if (eq < 0) {
                defaults = AlertRule.parse(spec);
                continue;
            }
            String camera = spec.substring(0, eq).trim();
            if (camera.isEmpty()) {
                throw new IllegalArgumentException("alert rule '" + spec + "': camera id before '=' is empty");
            }
            cams.put(camera, AlertRule.parse(spec.substring(eq + 1), spec));
        }
        return new AlertRules(defaults, cams);
    }
}
