import { describe, expect, it } from "vitest";
import { derivedSecrets } from "./derived-secrets.js";

describe("derivedSecrets", () => {
  it("adds a SAS without its ? and its signature, raw and decoded", () => {
    const secrets = derivedSecrets({
      sas_token: "?sv=2024-11-04&sp=rwdlac&sig=abc%2Bdef%3D",
    });
    expect(secrets).toEqual([
      "sv=2024-11-04&sp=rwdlac&sig=abc%2Bdef%3D",
      "abc%2Bdef%3D",
      "abc+def=",
    ]);
  });

  it("adds the key and the SAS found in a connection string", () => {
    const secrets = derivedSecrets({
      connection_string:
        "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=c2VjcmV0a2V5==;EndpointSuffix=core.windows.net",
    });
    expect(secrets).toEqual(["c2VjcmV0a2V5=="]);
    expect(
      derivedSecrets({
        connection_string:
          "BlobEndpoint=https://acme.blob.core.windows.net;SharedAccessSignature=sv=1&sig=xyz",
      }),
    ).toEqual(["sv=1&sig=xyz", "xyz"]);
  });

  it("keeps a signature that is not valid percent-encoding as written", () => {
    expect(derivedSecrets({ sas_token: "sig=%E0%A4%A" })).toEqual(["sig=%E0%A4%A", "%E0%A4%A"]);
  });

  it("has nothing to add without a SAS or connection string", () => {
    expect(derivedSecrets({})).toEqual([]);
  });
});
