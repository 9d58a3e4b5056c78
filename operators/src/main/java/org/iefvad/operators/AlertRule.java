package org.iefvad.operators;

import java.io.Serializable;

/**
 * Hysteresis thresholds of one camera: an alert opens after {@code k} consecutive segments
 * scored at or above {@code high} and closes after {@code m} consecutive segments below
 * {@code low}. The gap between the two thresholds keeps a score that hovers around one of them
 * from opening and closing alerts in turn.
 *
 * <p>The {@link #DEFAULT} (0.9, 3, 0.5, 3) is only a starting point and must be tuned per
 * deployment on that camera's normal footage: the bundled model's scores saturate near 1 (about
 * 0.999 on most Ped2 segments, normal or not; README "Results"), so with it the default opens an
 * alert on almost every camera.
 */
public record AlertRule(double high, int k, double low, int m) implements Serializable {
    public static final AlertRule DEFAULT = new AlertRule(0.9, 3, 0.5, 3);

    public AlertRule {
        if (!Double.isFinite(high) || !Double.isFinite(low)) {
            throw new IllegalArgumentException("alert thresholds must be finite numbers, got high " + high + " and low " + low);
        }
        if (!(low < high)) {
            throw new IllegalArgumentException("alert low threshold (" + low + ") must be below the high threshold (" + high + ")");
        }
        if (high > 1) {
            throw new IllegalArgumentException("alert high threshold (" + high + ") is above 1, the largest score: "
                    + "the alert could never open");
        }
        if (k < 1 || m < 1) {
            throw new IllegalArgumentException("alert segment counts must be at least 1, got k=" + k + " (to open) and m="
                    + m + " (to close)");
        }
    }

    /** Reads {@code high,k,low,m}, for example {@code 0.95,4,0.6,3}. */
    public static AlertRule parse(String text) {
        return parse(text, text);
    }

    /** As {@link #parse(String)}; errors quote {@code shown}, the value as the user typed it. */
    static AlertRule parse(String text, String shown) {
        String[] p = text.split(",", -1);
        if (p.length != 4) {
            throw new IllegalArgumentException("alert rule '" + shown + "': expected high,k,low,m (e.g. 0.9,3,0.5,3), got "
                    + p.length + " value" + (p.length == 1 ? "" : "s"));
        }
        try {
            return new AlertRule(Double.parseDouble(p[0].trim()), Integer.parseInt(p[1].trim()),
                    Double.parseDouble(p[2].trim()), Integer.parseInt(p[3].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("alert rule '" + shown
                    + "': expected high,k,low,m with decimal thresholds and whole counts (e.g. 0.9,3,0.5,3)");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("alert rule '" + shown + "': " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return high + "," + k + "," + low + "," + m;
    }
}
