/** The files and folders under $OUROBOROS_HOME (util/home.ts says where that is). */
import { join } from "node:path";
import { ouroHome } from "../util/home.ts";

export const paths = {
  home: () => ouroHome(),
  database: () => join(ouroHome(), "ouroboros.db"),
  config: () => join(ouroHome(), "config.yaml"),
  trustedEnv: () => join(ouroHome(), ".env"),
  seeds: () => join(ouroHome(), "seeds"),
  data: () => join(ouroHome(), "data"),
};
