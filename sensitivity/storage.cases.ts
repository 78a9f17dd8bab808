// Sensitivity of Core.Storage: each mount fault of the emulator breaks exactly the checks that depend on it.
import type { SensitivityCase } from "./case.js";
import { STORAGE } from "../suites/core/storage.titles.js";

const POD = (name: string) => new RegExp(`pod hc-[a-z0-9-]+/${name} on node hc-win20(22|25)-\\d`);

export const cases: SensitivityCase[] = [
  {
    fault: "hostpath-not-writable",
    kind: "targeted",
    categories: ["Core.Storage"],
    breaks: {
      [STORAGE.hostPath]: [POD("hostpath-writer"), /writing C:\\host-temp\\hc-\S+\.txt \(hostPath C:\\Windows\\Temp\) failed \(exit 1\): Access is denied\./],
    },
  },
  {
    fault: "readonly-mount-writable",
    kind: "targeted",
    categories: ["Core.Storage"],
    breaks: {
      [STORAGE.readOnly]: [
        POD("readonly-mounts"),
        /container reader \(emptyDir scratch, readOnly: true\): C:\\scratch\\from-reader\.txt is on a read-only mount, yet the write succeeded/,
      ],
    },
  },
  {
    fault: "projected-source-missing",
    kind: "targeted",
    categories: ["Core.Storage"],
    breaks: {
      [STORAGE.projected]: [
        POD("projected-volumes"),
        /\(projected volume both\): C:\\projected has no file settings\.ini \(ConfigMap storage-config\); found: api-key/,
      ],
    },
  },
  {
    // Both checks share an emptyDir between containers (the read-only check reads the writer's file through it).
    fault: "emptydir-not-shared",
    kind: "targeted",
    categories: ["Core.Storage"],
    breaks: {
      [STORAGE.shared]: [POD("shared-files-three-containers"), /container one: C:\\shared\\together\.txt lacks the lines written by two, three/],
      [STORAGE.readOnly]: [POD("readonly-mounts"), /container reader: C:\\scratch\\from-writer\.txt cannot be read/],
    },
  },
];
