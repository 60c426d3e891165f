/** The runnable example: a Structured Streaming query on the local Lifeboat store, killed, restarted and checked. */
package dev.lifeboat.spark.example;
