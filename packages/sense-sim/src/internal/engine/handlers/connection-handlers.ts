import { randomUUID } from 'node:crypto';
import { EngineError } from '../rpc/engine-error.js';
import type { HandlerTable } from './handler.js';
import type { HandlerContext } from './handler-context.js';

/** Doc methods on the repository's data connections (shared by the whole site). */
export function connectionHandlers(engine: HandlerContext): HandlerTable<'Doc'> {
  const site = engine.options.site;
  const connectionStruct = (c: { id: string; name: string; type: string; connectionString: string }) => ({
    qId: c.id,
    qName: c.name,
    qConnectionString: c.connectionString,
    qType: c.type,
    qModifiedDate: new Date(0).toISOString(),
    qMeta: { qName: c.name },
    qLogOn: 'LOG_ON_SERVICE_USER',
  });
  return {
    GetConnections: () => ({ qConnections: [...site.dataConnections.values()].map(connectionStruct) }),
    GetConnection: (_call, [id]) => {
      const found = site.dataConnections.get(id);
      if (!found) throw EngineError.of('LOCERR_CONNECTION_NOT_FOUND', id);
      return { qConnection: connectionStruct(found) };
    },
    CreateConnection: (_call, [c]) => {
      const name = String(c.qName ?? '');
      if (name === '') throw EngineError.of('LOCERR_GENERIC_INVALID_PARAMETERS', 'qName');
      if ([...site.dataConnections.values()].some((d) => d.name.toLowerCase() === name.toLowerCase())) {
        throw EngineError.of('LOCERR_CONNECTION_ALREADY_EXISTS', name);
      }
      const id = randomUUID();
      const owner = [...site.users.values()][0] ?? {
        id: '',
        userDirectory: 'INTERNAL',
        userId: 'sa_repository',
        name: 'sa_repository',
      };
      site.dataConnections.set(id, {
        id,
        name,
        type: String(c.qType ?? 'folder'),
        connectionString: String(c.qConnectionString ?? ''),
        owner,
      });
      return { qConnectionId: id };
    },
    ModifyConnection: (_call, [id, c]) => {
      const found = site.dataConnections.get(id);
      if (!found) throw EngineError.of('LOCERR_CONNECTION_NOT_FOUND', id);
      if (typeof c.qName === 'string' && c.qName !== '') found.name = c.qName;
      if (typeof c.qConnectionString === 'string') found.connectionString = c.qConnectionString;
      if (typeof c.qType === 'string' && c.qType !== '') found.type = c.qType;
      return {};
    },
    DeleteConnection: (_call, [id]) => {
      if (!site.dataConnections.delete(id)) throw EngineError.of('LOCERR_CONNECTION_NOT_FOUND', id);
      return {};
    },
  };
}
