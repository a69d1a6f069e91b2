// The `zipcodes` package ships no types; the held-out corpus reads only its table, validated there.
declare module "zipcodes" {
  const zipcodes: { codes: unknown };
  export default zipcodes;
}
