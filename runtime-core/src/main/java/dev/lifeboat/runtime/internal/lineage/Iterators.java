package dev.lifeboat.runtime.internal.lineage;

import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.Predicate;

/** Lazy iterator adapters, so a narrow chain streams records through one task. */
public final class Iterators {
    private Iterators() {}

    public static <A, B> Iterator<B> map(Iterator<A> in, Function<? super A, ? extends B> f) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return in.hasNext();
            }

            @Override
            public B next() {
                return f.apply(in.next());
            }
        };
    }

    public static <A> Iterator<A> filter(Iterator<A> in, Predicate<? super A> keep) {
        return new Iterator<>() {
            private A next;
            private boolean ready;

            @Override
            public boolean hasNext() {
                while (!ready && in.hasNext()) {
                    A candidate = in.next();
                    if (keep.test(candidate)) {
                        next = candidate;
                        ready = true;
                    }
                }
                return ready;
            }

            @Override
            public A next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ready = false;
                return next;
            }
        };
    }

    public static <A, B> Iterator<B> flatMap(Iterator<A> in, Function<? super A, ? extends Iterable<? extends B>> f) {
        return new Iterator<>() {
            private Iterator<? extends B> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && in.hasNext()) {
                    Iterable<? extends B> next = f.apply(in.next());
                    current = next == null ? Collections.emptyIterator() : next.iterator();
                }
                return current.hasNext();
            }

            @Override
            public B next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }
}
