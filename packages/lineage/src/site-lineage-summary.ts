import type { LineageEdge, LineageNode } from './generated/lineage-graph.js';
import type { PostOpenLineageResult } from './post-openlineage.js';

/** What `extractSiteLineage` did. */
export interface SiteLineageSummary {
  /** True when the signal stopped the crawl: no graph/OpenLineage/HTML was written; run again to resume. */
  readonly aborted: boolean;
  readonly apps: {
    readonly total: number;
    readonly extracted: number;
    readonly skipped: number;
    readonly failed: number;
  };
  /**
   * The apps that failed (each also has a fragment and a `failed` app report). `code`: the failure's
   * QixflowError code (`ERR_ENGINE`, `ERR_SOCKET_CLOSED` …), `ERR_TIMEOUT` for an app slower than
   * `appTimeoutMs`, `ERR_LINEAGE_APP` for an error without a code (see the README's error table).
   */
  readonly failures: readonly {
    readonly appId: string;
    readonly appName: string;
    readonly code: string;
    readonly message: string;
  }[];
  readonly nodes: number;
  readonly edges: number;
  readonly nodeCounts: Readonly<Partial<Record<LineageNode['kind'], number>>>;
  readonly edgeCounts: Readonly<Partial<Record<LineageEdge['kind'], number>>>;
  readonly files: {
    readonly graph?: string;
    readonly openLineage?: string;
    readonly html?: string;
    readonly state: string;
    readonly fragments: string;
  };
  readonly openLineage?: {
    readonly events: number;
    readonly posted: number;
    readonly failures: PostOpenLineageResult['failures'];
  };
  readonly durationMs: number;
}
