/**
 * Internals of the API module (the key shapes and encoded forms {@link dev.cadre.api.Redactor} masks); never needed
 * by a user.
 */
package dev.cadre.api.internal;
