package dev.lifeboat.runtime.fault;

/** The error a task fails with when the {@link FaultInjector} makes it fail. Retryable. */
public class InjectedFaultException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InjectedFaultException(String message) {
        super(message);
    }
}
