/**
 * Reliable sessions and broadcast shared by several server nodes through Redis (Lettuce client). Nothing below
 * this module ({@code reliable}, {@code websocket}, {@code protocol}) knows of it.
 */
package dev.lifeline.redis;
