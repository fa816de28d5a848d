package dev.lifeline.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Figures of every repetition, by metric and subject; a subject with any failed repetition has no figure, and one
 * that cannot take part (a server without permessage-deflate in the compressed scenario) has a reason instead.
 */
final class Results {
    private final Map<Metric, Map<String, List<Double>>> values = new EnumMap<>(Metric.class);
    private final Map<Metric, Map<String, List<String>>> errors = new EnumMap<>(Metric.class);
    private final Map<Metric, Map<String, String>> notApplicable = new EnumMap<>(Metric.class);
    private final List<String> notes = new ArrayList<>();

    void add(Metric metric, String subject, double value) {
        values.computeIfAbsent(metric, m -> new LinkedHashMap<>()).computeIfAbsent(subject, s -> new ArrayList<>())
                .add(value);
    }

    void fail(Metric metric, String subject, String error) {
        errors.computeIfAbsent(metric, m -> new LinkedHashMap<>()).computeIfAbsent(subject, s -> new ArrayList<>())
                .add(error);
    }

    /** Something worth knowing about how a figure was taken, for the report. */
    void note(String note) {
        notes.add(note);
    }

    List<String> notes() {
        return List.copyOf(notes);
    }

    /** The subject cannot run this metric's scenario, for {@code reason} (e.g. "no permessage-deflate"). */
    void notApplicable(Metric metric, String subject, String reason) {
        notApplicable.computeIfAbsent(metric, m -> new LinkedHashMap<>()).put(subject, reason);
    }

    Optional<String> notApplicable(Metric metric, String subject) {
        return Optional.ofNullable(notApplicable.getOrDefault(metric, Map.of()).get(subject));
    }

    /** The median of the repetitions, unless any of them failed. */
    OptionalDouble median(Metric metric, String subject) {
        List<Double> v = values.getOrDefault(metric, Map.of()).getOrDefault(subject, List.of());
        if (v.isEmpty() || error(metric, subject).isPresent() || notApplicable(metric, subject).isPresent()) {
            return OptionalDouble.empty();
        }
        List<Double> sorted = v.stream().sorted().toList();
        int n = sorted.size();
        return OptionalDouble.of(n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2);
    }

    /** The first error of a subject, with how many repetitions failed. */
    Optional<String> error(Metric metric, String subject) {
        List<String> e = errors.getOrDefault(metric, Map.of()).getOrDefault(subject, List.of());
        if (e.isEmpty()) {
            return Optional.empty();
        }
        int runs = e.size() + values.getOrDefault(metric, Map.of()).getOrDefault(subject, List.of()).size();
        return Optional.of(e.size() + " of " + runs + " runs failed: " + e.get(0));
    }

    /** The best median among {@code subjects}, and whose it is. */
    Optional<Map.Entry<String, Double>> best(Metric metric, List<String> subjects) {
        Map.Entry<String, Double> best = null;
        for (String s : subjects) {
            OptionalDouble m = median(metric, s);
            if (m.isPresent() && (best == null || metric.better(m.getAsDouble(), best.getValue()))) {
                best = Map.entry(s, m.getAsDouble());
            }
        }
        return Optional.ofNullable(best);
    }
}
