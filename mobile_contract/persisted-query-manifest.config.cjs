// Apollo's generator: each operation with the fragments it uses, `__typename` added and printed
// by graphql-js, exactly as Apollo Client sends it; the id is the sha256 of that text.
// MANIFEST_OUTPUT lets `citizen contract manifest --check` write elsewhere and compare.
module.exports = {
  documents: ["operations/**/*.graphql"],
  output: process.env.MANIFEST_OUTPUT || "persisted-queries.json",
};
