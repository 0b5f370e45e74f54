/**
 * A journal shared by machines: {@link dev.cadre.jdbc.JdbcJournalStore} keeps runs' journals in PostgreSQL, built with
 * {@link dev.cadre.jdbc.JdbcJournalStore#builder(String)}; {@link dev.cadre.jdbc.Retention} says which finished runs it
 * removes.
 */
package dev.cadre.jdbc;
