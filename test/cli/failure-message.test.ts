import { ConnectionException } from '@mikro-orm/postgresql';
import { failureMessage } from '../../src/cli/failure-message.js';
import { connectionLostException, NoAnswerError } from '../../src/db/guard-client.js';

/**
 * A command that fails on the database says which of three things happened,
 * each with its own line: no free connection came within the acquire timeout,
 * the connection was lost (the server restarted or ended it), or the database
 * stopped answering a statement. A lost connection used to read as an acquire
 * timeout, which sends an operator looking at pool sizes instead of at the
 * server.
 */
const URL = 'postgres://training@db.example:6543/training';

describe('failureMessage, for a database connection that could not be had or kept', () => {
  it('no free connection within the acquire timeout (pg-pool, and as a transaction that could not begin)', () => {
    const poolTimeout = new Error('timeout exceeded when trying to connect');
    expect(failureMessage(poolTimeout, URL)).toBe('no free connection to the database at db.example:6543 within the acquire timeout');
    expect(failureMessage(new ConnectionException(poolTimeout), URL)).toBe('no free connection to the database at db.example:6543 within the acquire timeout');
  });

  it('a connection lost under a statement says what ended it', () => {
    const ended = Object.assign(new Error('terminating connection due to administrator command'), { severity: 'FATAL' });
    const lost = connectionLostException(new Error('COMMIT; - Client has encountered a connection error and is not queryable'), ended);
    expect(failureMessage(lost, URL)).toBe('lost the connection to the database at db.example:6543: terminating connection due to administrator command');
    expect(failureMessage(new Error('Connection terminated unexpectedly'), URL)).toBe('lost the connection to the database at db.example:6543: Connection terminated unexpectedly');
  });

  it('a statement that got no answer names the bound it waited', () => {
    const noAnswer = connectionLostException(new Error('Query read timeout'), new NoAnswerError(6000));
    expect(failureMessage(noAnswer, URL)).toBe('the database at db.example:6543 stopped answering: no answer to a statement within 6000 ms');
  });

  it('errors the server answered keep their SQLSTATE line', () => {
    const refused = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    expect(failureMessage(refused, URL)).toBe('the database at db.example:6543 failed: canceling statement due to statement timeout (SQLSTATE 57014)');
  });
});
