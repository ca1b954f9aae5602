import { describe, expect, it } from 'vitest';
import { isSecretName, REDACTED, redact, redactValue } from '../src/redact.js';

interface Shape {
  shape: string;
  input: string;
  expected: string;
  /** Substrings that must not survive (the secret, or a telling piece of it). */
  secrets: string[];
}

// Real-world shapes of connection strings, scripts and traces; expected outputs exactly.
const SHAPES: Shape[] = [
  {
    shape: 'ODBC SQL Server, braced password with ; and }}',
    input:
      'Driver={ODBC Driver 18 for SQL Server};Server=tcp:db1.corp.local,1433;Database=Sales;UID=etl_user;PWD={hun;ter}}2};Encrypt=yes;',
    expected:
      'Driver={ODBC Driver 18 for SQL Server};Server=tcp:db1.corp.local,1433;Database=Sales;UID=***;PWD={***};Encrypt=yes;',
    secrets: ['etl_user', 'hun', 'ter}}2', 'ter'],
  },
  {
    shape: 'ADO.NET SQL Server, User ID and Password with spaces',
    input:
      'Server=db1.corp.local;Database=Sales;User ID=report reader;Password=correct horse battery;TrustServerCertificate=True',
    expected: 'Server=db1.corp.local;Database=Sales;User ID=***;Password=***;TrustServerCertificate=True',
    secrets: ['report reader', 'correct horse battery', 'horse'],
  },
  {
    shape: 'Oracle OLEDB',
    input: 'Provider=OraOLEDB.Oracle;Data Source=ORCL;User Id=scott;Password=tiger;',
    expected: 'Provider=OraOLEDB.Oracle;Data Source=ORCL;User Id=***;Password=***;',
    secrets: ['scott', 'tiger'],
  },
  {
    shape: 'SQL OLEDB, ADO double-quoted value with "" and ;',
    input:
      'Provider=SQLOLEDB.1;Persist Security Info=True;User ID=sa;Initial Catalog=Sales;Data Source=db1;Password="p;a""ss"',
    expected:
      'Provider=SQLOLEDB.1;Persist Security Info=True;User ID=***;Initial Catalog=Sales;Data Source=db1;Password="***"',
    secrets: ['p;a', 'ss"'],
  },
  {
    shape: 'Access, Jet OLEDB:Database Password',
    input: 'Provider=Microsoft.ACE.OLEDB.12.0;Data Source=C:\\data\\sales.accdb;Jet OLEDB:Database Password=acc3ss!',
    expected: 'Provider=Microsoft.ACE.OLEDB.12.0;Data Source=C:\\data\\sales.accdb;Jet OLEDB:Database Password=***',
    secrets: ['acc3ss'],
  },
  {
    shape: 'Snowflake ODBC',
    input:
      'Driver={SnowflakeDSIIDriver};Server=acme.snowflakecomputing.com;uid=john;pwd=S3cr3t!;db=SALES;warehouse=WH;role=ANALYST',
    expected:
      'Driver={SnowflakeDSIIDriver};Server=acme.snowflakecomputing.com;uid=***;pwd=***;db=SALES;warehouse=WH;role=ANALYST',
    secrets: ['john', 'S3cr3t'],
  },
  {
    shape: 'Snowflake key-pair auth, single-quoted passphrase',
    input: "authenticator=SNOWFLAKE_JWT;user=svc_etl;private_key_file=/keys/rsa_key.p8;private_key_file_pwd='k3y pass'",
    expected: "authenticator=SNOWFLAKE_JWT;user=***;private_key_file=/keys/rsa_key.p8;private_key_file_pwd='***'",
    secrets: ['svc_etl', 'k3y pass'],
  },
  {
    shape: 'Postgres URL',
    input: 'postgresql://etl:pa55w0rd@pg.example.com:5432/sales?sslmode=require',
    expected: 'postgresql://***:***@pg.example.com:5432/sales?sslmode=require',
    secrets: ['etl:', 'pa55w0rd'],
  },
  {
    shape: 'Postgres keyword/value (libpq)',
    input: 'host=pg.example.com port=5432 dbname=sales user=etl password=pa55w0rd sslmode=require',
    expected: 'host=pg.example.com port=5432 dbname=sales user=*** password=*** sslmode=require',
    secrets: ['=etl', 'pa55w0rd'],
  },
  {
    shape: 'MySQL connector/ODBC',
    input: 'Server=mysql1;Port=3306;Database=shop;Uid=root;Pwd=my secret pass;',
    expected: 'Server=mysql1;Port=3306;Database=shop;Uid=***;Pwd=***;',
    secrets: ['root', 'my secret pass', 'secret pass'],
  },
  {
    shape: 'JDBC SQL Server properties',
    input: 'jdbc:sqlserver://db1:1433;databaseName=Sales;user=etl;password=Xy!z9;encrypt=true',
    expected: 'jdbc:sqlserver://db1:1433;databaseName=Sales;user=***;password=***;encrypt=true',
    secrets: ['=etl', 'Xy!z9'],
  },
  {
    shape: 'JDBC MySQL query parameters',
    input: 'jdbc:mysql://db2:3306/shop?user=etl&password=Xy9z&useSSL=true',
    expected: 'jdbc:mysql://db2:3306/shop?user=***&password=***&useSSL=true',
    secrets: ['=etl', 'Xy9z'],
  },
  {
    shape: 'JDBC Oracle thin user/password@',
    input: 'jdbc:oracle:thin:scott/tiger@//ora1:1521/ORCL',
    expected: 'jdbc:oracle:thin:***/***@//ora1:1521/ORCL',
    secrets: ['scott', 'tiger'],
  },
  {
    shape: 'Databricks personal access token',
    input:
      'Driver=Simba Spark ODBC Driver;Host=adb-123.azuredatabricks.net;Port=443;HTTPPath=/sql/1.0/warehouses/abc;SSL=1;AuthMech=3;UID=token;PWD=dapi0123456789abcdef0123456789abcd',
    expected:
      'Driver=Simba Spark ODBC Driver;Host=adb-123.azuredatabricks.net;Port=443;HTTPPath=/sql/1.0/warehouses/abc;SSL=1;AuthMech=3;UID=***;PWD=***',
    secrets: ['dapi0123456789abcdef0123456789abcd'],
  },
  {
    shape: 'BigQuery service-account JSON key',
    input:
      '{"type":"service_account","project_id":"proj-1","private_key":"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE KEY-----\\n","client_email":"svc@proj-1.iam.gserviceaccount.com"}',
    expected:
      '{"type":"service_account","project_id":"proj-1","private_key":"***","client_email":"svc@proj-1.iam.gserviceaccount.com"}',
    secrets: ['MIIEvQIBADANBg'],
  },
  {
    shape: 'Azure storage account key',
    input:
      'DefaultEndpointsProtocol=https;AccountName=acmedata;AccountKey=q1w2e3r4t5y6u7i8o9p0==;EndpointSuffix=core.windows.net',
    expected: 'DefaultEndpointsProtocol=https;AccountName=acmedata;AccountKey=***;EndpointSuffix=core.windows.net',
    secrets: ['q1w2e3r4t5y6u7i8o9p0'],
  },
  {
    shape: 'Azure SAS URL (sig=)',
    input:
      'https://acmedata.blob.core.windows.net/raw/sales.csv?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-01-01T00:00:00Z&sig=AbC%2Bdef%3D',
    expected:
      'https://acmedata.blob.core.windows.net/raw/sales.csv?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-01-01T00:00:00Z&sig=***',
    secrets: ['AbC%2Bdef%3D'],
  },
  {
    shape: 'Azure Service Bus SharedAccessKey',
    input:
      'Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=Zm9vYmFyYmF6cXV4',
    expected:
      'Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=***',
    secrets: ['Zm9vYmFyYmF6cXV4'],
  },
  {
    shape: 'Qlik CUSTOM CONNECT with XUserId is / XPassword is',
    input:
      'CUSTOM CONNECT TO "provider=QvOdbcConnectorPackage.exe;driver=postgres;host=pg1;port=5432;db=sales;XUserId is GbDbYRFMNLcKWSVMRTGB;XPassword is BfCKRJNMSbEKXSRGRLHB;";',
    expected:
      'CUSTOM CONNECT TO "provider=QvOdbcConnectorPackage.exe;driver=postgres;host=pg1;port=5432;db=sales;XUserId is ***;XPassword is ***;";',
    secrets: ['GbDbYRFMNLcKWSVMRTGB', 'BfCKRJNMSbEKXSRGRLHB'],
  },
  {
    shape: 'Qlik OLEDB CONNECT with encrypted credentials after the brackets',
    input:
      'OLEDB CONNECT TO [Provider=SQLOLEDB.1;Persist Security Info=True;Initial Catalog=Sales;Data Source=db1] (XUserId is aBcDeFgH, XPassword is GhIjKlMn);',
    expected:
      'OLEDB CONNECT TO [Provider=SQLOLEDB.1;Persist Security Info=True;Initial Catalog=Sales;Data Source=db1] (XUserId is ***, XPassword is ***);',
    secrets: ['aBcDeFgH', 'GhIjKlMn'],
  },
  {
    shape: 'Qlik ODBC CONNECT TO [dsn;UID;PWD] with a ]] escape',
    input: 'ODBC CONNECT TO [Sales DSN;UID=etl;PWD=hunter2]]x];\nLOAD * ;',
    expected: 'ODBC CONNECT TO [Sales DSN;UID=***;PWD=***];\nLOAD * ;',
    secrets: ['hunter2', '=etl'],
  },
  {
    shape: 'Qlik ODBC CONNECT TO with a quote inside the password',
    input: 'ODBC CONNECT TO [Sales DSN;UID=etl;PWD=hun"ter\'2];',
    expected: 'ODBC CONNECT TO [Sales DSN;UID=***;PWD=***];',
    secrets: ['hun', 'ter'],
  },
  {
    shape: 'Qlik CONNECT64 TO',
    input: 'CONNECT64 TO [Provider=MSDASQL;DSN=Legacy;UID=loader;PWD=l0ad3r];',
    expected: 'CONNECT64 TO [Provider=MSDASQL;DSN=Legacy;UID=***;PWD=***];',
    secrets: ['loader', 'l0ad3r'],
  },
  {
    shape: 'Qlik REST connector headers and query parameters',
    input:
      'CUSTOM CONNECT TO "Provider=QvRestConnector.exe;url=https://api.example.com/v1/orders;method=GET;queryParameters=limit%2100%1api_key%2k-123456;queryHeaders=Accept%2application/json%1Authorization%2Bearer abc.def.ghi%1X-Api-Key%2s3cr3tv4l;PaginationType=None;"',
    expected:
      'CUSTOM CONNECT TO "Provider=QvRestConnector.exe;url=https://api.example.com/v1/orders;method=GET;queryParameters=limit%2100%1api_key%2***;queryHeaders=Accept%2application/json%1Authorization%2***%1X-Api-Key%2***;PaginationType=None;"',
    secrets: ['k-123456', 'abc.def.ghi', 's3cr3tv4l'],
  },
  {
    shape: 'JSON with nested quotes and escapes',
    input:
      '{"host":"db1","password":"p\\"a\\\\ss","auth":{"client_secret":"cs-1","access_token":"at-2","refresh_token":"rt-3","apiKey":"ak-4","privateKey":"pk-5"}}',
    expected:
      '{"host":"db1","password":"***","auth":{"client_secret":"***","access_token":"***","refresh_token":"***","apiKey":"***","privateKey":"***"}}',
    secrets: ['p\\"a', 'cs-1', 'at-2', 'rt-3', 'ak-4', 'pk-5'],
  },
  {
    shape: 'JSON-style connection string inside a script variable',
    input: 'LET vConn = \'{"server":"db1","user":"etl","passwd":"js0n-pw","secret":"js0n-sec"}\';',
    expected: 'LET vConn = \'{"server":"db1","user":"***","passwd":"***","secret":"***"}\';',
    secrets: ['js0n-pw', 'js0n-sec'],
  },
  {
    shape: 'escaped JSON inside a JSON string',
    input: '{"body":"{\\"token\\":\\"tok-9f8e\\",\\"id\\":7}"}',
    expected: '{"body":"{\\"token\\":\\"***\\",\\"id\\":7}"}',
    secrets: ['tok-9f8e'],
  },
  {
    shape: 'MongoDB SRV URL',
    input: 'mongodb+srv://admin:p%40ss@cluster0.mongodb.net/db?retryWrites=true',
    expected: 'mongodb+srv://***:***@cluster0.mongodb.net/db?retryWrites=true',
    secrets: ['admin', 'p%40ss'],
  },
  {
    shape: 'Redis URL without user',
    input: 'redis://:r3disPw@cache:6379/0',
    expected: 'redis://:***@cache:6379/0',
    secrets: ['r3disPw'],
  },
  {
    shape: 'HTTP trace with Authorization, cookie and xrfkey',
    input:
      'GET /qrs/about?xrfkey=abcdefghijklmnop Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl Cookie: X-Qlik-Session-jwt=0f1e2d3c; Path=/',
    expected: 'GET /qrs/about?xrfkey=abcdefghijklmnop Authorization: Bearer *** Cookie: X-Qlik-Session-jwt=***; Path=/',
    secrets: ['eyJhbGciOiJSUzI1NiJ9', 'c2lnbmF0dXJl', '0f1e2d3c'],
  },
  {
    shape: 'Basic authorization header',
    input: 'authorization: Basic ZXRsOnBhc3M=',
    expected: 'authorization: Basic ***',
    secrets: ['ZXRsOnBhc3M'],
  },
  {
    shape: 'Qlik Cloud cookies',
    input: 'Set-Cookie: eas.sid=abc123; path=/; httponly; _csrfToken=def456',
    expected: 'Set-Cookie: eas.sid=***; path=/; httponly; _csrfToken=***',
    secrets: ['abc123', 'def456'],
  },
  {
    shape: 'websocket URL with the CSRF token',
    input: 'wss://sense.example.com/jwt/app/abc?qlik-csrf-token=tok-1234&reloadUri=x',
    expected: 'wss://sense.example.com/jwt/app/abc?qlik-csrf-token=***&reloadUri=x',
    secrets: ['tok-1234'],
  },
  {
    shape: 'CSRF token header echoed in an error',
    input: 'the proxy refused the websocket (403: qlik-csrf-token: 77aa88bb does not match)',
    expected: 'the proxy refused the websocket (403: qlik-csrf-token: *** does not match)',
    secrets: ['77aa88bb'],
  },
  {
    shape: 'bare JWT',
    input: 'token rejected: eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VySWQiOiJhIn0.sig-part_1',
    expected: 'token rejected: ***',
    secrets: ['eyJ1c2VySWQiOiJhIn0', 'sig-part_1'],
  },
  {
    shape: 'PEM private key block (certificate kept)',
    input:
      '-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END RSA PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----',
    expected:
      '-----BEGIN RSA PRIVATE KEY-----***-----END RSA PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----',
    secrets: ['MIIBOgIBAAJBAKj34GkxFhD9'],
  },
  {
    shape: 'script variables holding credentials',
    input: "SET vDbPassword = 'hunter2';\nLET vApiToken = 'tk_live_42';\nLET vRows = 10;",
    expected: "SET vDbPassword = '***';\nLET vApiToken = '***';\nLET vRows = 10;",
    secrets: ['hunter2', 'tk_live_42'],
  },
  {
    shape: 'SQL comparison against a password column',
    input: "SQL SELECT id FROM users WHERE password = 'pl41n' AND name = 'ann';",
    expected: "SQL SELECT id FROM users WHERE password = '***' AND name = 'ann';",
    secrets: ['pl41n'],
  },
  {
    shape: 'lib:// path with a token query parameter',
    input: 'LOAD * FROM [lib://REST/orders?token=abc987] (txt);',
    expected: 'LOAD * FROM [lib://REST/orders?token=***] (txt);',
    secrets: ['abc987'],
  },
  {
    shape: 'YAML-style credentials',
    input: 'user: etl\npassword: "yam1-pw"\napi_key: ak_yaml_1',
    expected: 'user: etl\npassword: "***"\napi_key: ***',
    secrets: ['yam1-pw', 'ak_yaml_1'],
  },
];

describe('redact', () => {
  it.each(SHAPES)('masks the credentials of $shape and keeps the rest', ({ input, expected }) => {
    expect(redact(input)).toBe(expected);
  });

  it.each(SHAPES)('never lets a secret of $shape through', ({ input, secrets }) => {
    const out = redact(input);
    for (const secret of secrets) expect(out).not.toContain(secret);
  });

  it.each(SHAPES)('is idempotent on $shape', ({ input }) => {
    const once = redact(input);
    expect(redact(once)).toBe(once);
  });

  it('holds at least 25 real-world shapes', () => {
    expect(SHAPES.length).toBeGreaterThanOrEqual(25);
  });

  it('keeps the secrets out wherever the connection string sits in a script', () => {
    const wrappers = [
      // Qlik doubles a quote inside a quoted string.
      (cs: string) => `LET vConn = '${cs.replace(/'/g, "''")}';`,
      (cs: string) => `ODBC CONNECT TO [${cs}];`,
      (cs: string) => `OLEDB CONNECT TO [${cs}];`,
      (cs: string) => `CUSTOM CONNECT TO "${cs}";`,
      (cs: string) => `{"qConnectionString":"${cs.replace(/"/g, '\\"')}"}`,
      (cs: string) => `error: cannot connect (${cs})\nat line 3`,
    ];
    const passwords = ['hunter2', 'p@ss w0rd', 'a=b;c', 'x}}y;z', "o'neil", 'semi;colon', 'br]]acket'];
    for (const password of passwords) {
      const braced = `{${password.replace(/}/g, '}}')}}`;
      for (const wrap of wrappers) {
        const text = wrap(`Driver={PostgreSQL Unicode};Server=pg1;Port=5432;Database=sales;Uid=loader;Pwd=${braced};`);
        const out = redact(text);
        for (const piece of password.split(/[;=}\]'\s]+/).filter((p) => p.length >= 3)) {
          expect(out, text).not.toContain(piece);
        }
        expect(out).not.toContain('loader');
        expect(out).toContain('Server=pg1');
        expect(out).toContain('Database=sales');
      }
    }
  });

  it('leaves text without credentials unchanged', () => {
    const plain = [
      'LOAD OrderID, CustomerID, Amount FROM [lib://DataFiles/orders.qvd] (qvd);',
      "SQL SELECT id, name FROM dbo.Customers WHERE region = 'EMEA';",
      'Driver={ODBC Driver 18 for SQL Server};Server=db1;Database=Sales;Trusted_Connection=yes;',
      'https://sense.example.com/jwt/qrs/about?xrfkey=abcdefghijklmnop',
      'X-Qlik-Xrfkey: abcdefghijklmnop',
      'Sum({<Year={2024}>} Sales)',
      'the proxy answered 401: Bearer authentication required',
      '  CSRF token:          received (server from November 2024 or later)',
      'error: invalid token: expired',
      'Authorization: Bearer <jwt>',
      'qixflow-lineage/1',
      'app:5b7e0c1d/statement:12',
    ];
    for (const text of plain) expect(redact(text)).toBe(text);
  });

  it('keeps the DSN and the server of a CONNECT statement', () => {
    expect(redact('ODBC CONNECT32 TO [Sales DW;UID=etl;PWD=x] ;')).toBe(
      'ODBC CONNECT32 TO [Sales DW;UID=***;PWD=***] ;',
    );
    expect(redact("LIB CONNECT TO 'Sales DW (corp_etl)';")).toBe("LIB CONNECT TO 'Sales DW (corp_etl)';");
  });

  it('runs in linear time on hostile input', () => {
    const hostile = [
      'CONNECT TO ['.repeat(50_000),
      'pwd="'.repeat(50_000),
      '"password":"'.repeat(50_000),
      'a b c d '.repeat(50_000),
      `token=${'a '.repeat(100_000)}`,
      'pwd={'.repeat(50_000),
      'http://a:b'.repeat(50_000),
      '-----BEGIN PRIVATE KEY-----'.repeat(20_000),
      'Cookie: '.repeat(50_000),
      '\\"k\\":\\"'.repeat(50_000),
      `user ${'a={'.repeat(50_000)}${'}'.repeat(50_000)}`,
      'user k="'.repeat(50_000),
      'user x=\'a="b={'.repeat(30_000),
    ];
    for (const text of hostile) {
      const started = performance.now();
      redact(text);
      expect(performance.now() - started, text.slice(0, 20)).toBeLessThan(1500);
    }
  });

  it('returns non-strings and empty strings as they are', () => {
    expect(redact('')).toBe('');
    expect(redact(undefined as unknown as string)).toBeUndefined();
  });
});

describe('redactValue', () => {
  it('masks credential keys, user names next to a password, and secrets inside strings', () => {
    const input = {
      host: 'db1',
      user: 'etl',
      password: 'pw-1',
      headers: { authorization: 'Bearer abc', cookie: 'X-Qlik-Session=1', accept: 'application/json' },
      items: ['Server=x;Pwd=pw-2', 42, null, true],
      nested: { client_secret: 'cs', pin: 1234, apiKey: 5 },
    };
    expect(redactValue(input)).toEqual({
      host: 'db1',
      user: REDACTED,
      password: REDACTED,
      headers: { authorization: REDACTED, cookie: REDACTED, accept: 'application/json' },
      items: [`Server=x;Pwd=${REDACTED}`, 42, null, true],
      nested: { client_secret: REDACTED, pin: 1234, apiKey: REDACTED },
    });
  });

  it('never changes its input and copes with cycles', () => {
    const input: Record<string, unknown> = { token: 't', list: ['pwd=1'] };
    input.self = input;
    const out = redactValue(input);
    expect(input.token).toBe('t');
    expect((input.list as string[])[0]).toBe('pwd=1');
    expect(out.token).toBe(REDACTED);
    expect(out.self).toBe(out);
  });

  it('keeps user names when no password is next to them', () => {
    expect(redactValue({ user: 'etl', host: 'db1' })).toEqual({ user: 'etl', host: 'db1' });
  });
});

describe('isSecretName', () => {
  it.each([
    'vDbPassword',
    'PWD',
    'api_key',
    'X-Api-Key',
    'client_secret',
    'AccountKey',
    'sig',
    'refresh_token',
    'Authorization',
  ])('says %s names a credential', (name) => expect(isSecretName(name)).toBe(true));
  it.each(['vRows', 'Server', 'xrfkey', 'KeyField', 'user', 'Database'])('says %s does not', (name) =>
    expect(isSecretName(name)).toBe(false),
  );
});
