import { describe, expect, it } from "vitest";
import { resolveAzureConnection } from "./azure-connection.js";
import { StorageError } from "./storage-error.js";

const key = Buffer.from("an account key for the tests").toString("base64");

describe("resolveAzureConnection", () => {
  it("prefers a connection string, then an account key, then a SAS, then Azure AD", () => {
    const connectionString = `DefaultEndpointsProtocol=https;AccountName=fromcs;AccountKey=${key};EndpointSuffix=core.windows.net`;
    const all = {
      container: "c",
      account: "acct",
      accountKey: key,
      sasToken: "sv=2024&sig=abc",
      connectionString,
      useAzureIdentity: true,
    };
    expect(resolveAzureConnection(all)).toMatchObject({
      kind: "connection-string",
      account: "fromcs",
    });
    expect(resolveAzureConnection({ ...all, connectionString: undefined })).toMatchObject({
      kind: "account-key",
      serviceUrl: "https://acct.blob.core.windows.net",
    });
    expect(
      resolveAzureConnection({ ...all, connectionString: undefined, accountKey: undefined }),
    ).toMatchObject({
      kind: "sas",
      serviceUrl: "https://acct.blob.core.windows.net?sv=2024&sig=abc",
    });
    expect(
      resolveAzureConnection({
        container: "c",
        account: "acct",
        clientId: "id",
        tenantId: "tenant",
        clientSecret: "secret",
        useAzureIdentity: true,
      }),
    ).toMatchObject({ kind: "client-secret" });
    expect(
      resolveAzureConnection({ container: "c", account: "acct", useAzureIdentity: true }),
    ).toMatchObject({
      kind: "azure-identity",
    });
  });

  it("reads the Azure CLI's variables from env, settings winning", () => {
    const env = { AZURE_STORAGE_ACCOUNT: "envacct", AZURE_STORAGE_KEY: key };
    expect(resolveAzureConnection({ container: "c", env })).toMatchObject({
      kind: "account-key",
      account: "envacct",
    });
    expect(resolveAzureConnection({ container: "c", account: "mine", env })).toMatchObject({
      account: "mine",
    });
  });

  it("lists every credential value as a secret", () => {
    const sas = resolveAzureConnection({
      container: "c",
      account: "a",
      sasToken: "?sv=1&sig=SIG%2B1",
    });
    expect(sas.secrets).toEqual(expect.arrayContaining(["sv=1&sig=SIG%2B1", "SIG+1"]));
    expect(
      resolveAzureConnection({ container: "c", account: "a", accountKey: key }).secrets,
    ).toEqual([key]);
  });

  it("says which settings are missing", () => {
    expect(() => resolveAzureConnection({ container: "c" })).toThrow(/connection_string/);
    expect(() => resolveAzureConnection({ container: "c", accountKey: key })).toThrow(/`account`/);
    expect(() => resolveAzureConnection({ container: "c", sasToken: "sv=1" })).toThrow(
      StorageError,
    );
  });

  it("refuses an unreadable connection string without quoting it", () => {
    let caught: unknown;
    try {
      resolveAzureConnection({
        container: "c",
        connectionString: "AccountKey=SECRETVALUE;nonsense",
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StorageError);
    expect((caught as StorageError).message).not.toContain("SECRETVALUE");
  });
});
