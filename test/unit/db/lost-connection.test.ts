import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { connectionLossOf, lostConnection, lostMessage } from '../../../src/db/lost-connection.js';

// The error pg builds from a server's ErrorResponse, with its SQLSTATE.
function serverError(code: string, message: string): pg.DatabaseError {
  return Object.assign(new pg.DatabaseError(message, message.length, 'error'), { code });
}

// What Node's net module raises for a socket whose other end is gone.
const socketError = (code: string, syscall: string) => Object.assign(new Error(`${syscall} ${code}`), { code, syscall });

describe('connectionLossOf', () => {
  it.each([
    ['08006', 'connection failure'],
    ['08003', 'connection does not exist'],
    ['08001', 'could not connect to server'],
    ['08P01', 'protocol violation'],
    ['57P01', 'terminating connection due to administrator command'],
    ['57P02', 'terminating connection because of crash of another server process'],
    ['57P03', 'the database system is shutting down'],
  ])("takes SQLSTATE %s (%s) for a lost connection, with the server's words", (code, message) => {
    expect(connectionLossOf(serverError(code, message))).toBe(`${message}; SQLSTATE ${code}`);
  });

  it.each([
    ['57014', 'canceling statement due to user request'],
    ['22P02', 'invalid input syntax for type integer: "abc"'],
    ['23505', 'duplicate key value violates unique constraint "users_pkey"'],
    ['42P01', 'relation "x" does not exist'],
    ['40001', 'could not serialize access due to concurrent update'],
    ['53100', 'could not extend file: No space left on device'],
    ['25006', 'cannot execute INSERT in a read-only transaction'],
  ])('does not take SQLSTATE %s (%s), a refused statement, for a lost connection', (code, message) => {
    expect(connectionLossOf(serverError(code, message))).toBeUndefined();
  });

  it.each([
    ['ECONNRESET', 'read', 'the connection was reset, ECONNRESET'],
    ['EPIPE', 'write', 'the server closed the connection, EPIPE'],
    ['ECONNREFUSED', 'connect', 'connection refused, ECONNREFUSED'],
    ['ETIMEDOUT', 'read', 'the connection timed out, ETIMEDOUT'],
  ])('takes the socket code %s for a lost connection', (code, syscall, words) => {
    expect(connectionLossOf(socketError(code, syscall))).toBe(words);
  });

  it('reads the code of a refused dual-stack connect from the parts of the AggregateError', () => {
    const refused = new AggregateError([socketError('ECONNREFUSED', 'connect'), socketError('ECONNREFUSED', 'connect')], '');
    expect(connectionLossOf(refused)).toBe('connection refused, ECONNREFUSED');
  });

  it('does not go by the message: a value that merely mentions a lost connection is not one', () => {
    expect(connectionLossOf(new Error('Connection terminated unexpectedly'))).toBeUndefined();
    expect(connectionLossOf(serverError('22P02', 'invalid input syntax: "ECONNRESET terminating connection"'))).toBeUndefined();
    expect(lostConnection(new Error('stopped at a refused value'), [new pg.Client()])).toBeUndefined();
  });
});

describe('lostMessage', () => {
  it('says what was lost, why, and what was going on', () => {
    expect(lostMessage('the connection was reset, ECONNRESET', 'while copying table "files"')).toBe(
      'lost the connection to PostgreSQL (the connection was reset, ECONNRESET) while copying table "files"',
    );
    expect(lostMessage('connection refused, ECONNREFUSED', 'during the count', 'target')).toBe(
      'lost the connection to PostgreSQL "target" (connection refused, ECONNREFUSED) during the count',
    );
  });
});
