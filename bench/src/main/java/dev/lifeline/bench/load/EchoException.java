package dev.lifeline.bench.load;

/** An echo was wrong or missing: the run that saw it yields an error, never a figure. */
public class EchoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EchoException(String message) {
        super(message);
    }
}
