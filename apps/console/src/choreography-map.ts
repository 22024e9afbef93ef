import { ServiceName, workQueueOf } from '@ensemble/config';
import { Choreography } from '@ensemble/events';

interface Box {
  /** `service:<name>` or `event:<type>`. */
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export type MapNode = Box &
  (
    | { kind: 'service'; service: ServiceName; reacts: boolean; publishes: boolean; /** The work queue it hands itself jobs through, whose figures its box shows too. */ workQueue: string | null }
    | { kind: 'event'; eventType: string; topic: string }
  );

/** A publisher's arrow to its event, or an event's arrow to a service that reacts to it. */
export interface MapEdge {
  /** `<from>><to>`: `payments>PaymentCompleted`, `PaymentCompleted>crm`. */
  id: string;
  kind: 'publishes' | 'reacts';
  service: ServiceName;
  eventType: string;
  topic: string;
  /** SVG path data, from the right side of one box to the left side of the other. */
  path: string;
  /** Where the edge's figures go. */
  label: { x: number; y: number };
}

/** The choreography laid out for the live view: what the page draws once, then fills with each sample's figures. */
export interface ChoreographyMap {
  width: number;
  height: number;
  nodes: MapNode[];
  edges: MapEdge[];
}

const SERVICE_BOX = { width: 150, height: 58 };
/** A service with a work queue: two more lines, for its queue. */
const QUEUEING_SERVICE_BOX = { width: 150, height: 88 };
const EVENT_BOX = { width: 150, height: 40 };
const COLUMN = 235;
/** Room between boxes one above the other. */
const ROW_GAP = 22;
const MARGIN = 16;
/** Vertical room between lanes of edges that skip a column, routed beneath every box. */
const LANE = 20;

/**
 * Lays the choreography out left to right: a service that reacts to nothing first, each event one
 * column right of its publisher, each service one column right of the last event it reacts to, so
 * that follow-on events sit right of the reactions that publish them. Within a column, boxes follow
 * the average row of what leads to them, which keeps arrows from crossing; an edge that skips
 * columns runs in a lane of its own beneath every box.
 */
export function layOutChoreography({ services, events }: Choreography): ChoreographyMap {
  const column = new Map<string, number>([
    ...services.map(({ service }) => [serviceId(service), 0] as const),
    ...events.map(({ eventType }) => [eventId(eventType), 1] as const),
  ]);
  // Longest path from a service that reacts to nothing; rounds bounded by the node count, so that a cycle (none today) ends.
  for (let round = 0; round < column.size; round++) {
    for (const { eventType, publisher } of events) column.set(eventId(eventType), column.get(serviceId(publisher))! + 1);
    for (const { service, reactsTo } of services) {
      if (reactsTo.length > 0) column.set(serviceId(service), Math.max(...reactsTo.map((eventType) => column.get(eventId(eventType))!)) + 1);
    }
  }
  // Columns numbered without gaps, which a cycle's bounded rounds could leave.
  const used = [...new Set(column.values())].sort((a, b) => a - b);
  for (const [id, index] of column) column.set(id, used.indexOf(index));
  const leadsTo = new Map<string, string[]>([
    ...services.map(({ service, reactsTo }): [string, string[]] => [serviceId(service), reactsTo.map(eventId)]),
    ...events.map(({ eventType, publisher }): [string, string[]] => [eventId(eventType), [serviceId(publisher)]]),
  ]);
  const columns: string[][] = [];
  for (const [id, index] of column) (columns[index] ??= []).push(id);
  const row = new Map<string, number>();
  for (const ids of columns) {
    const average = (id: string) => {
      const before = leadsTo.get(id)!.filter((other) => row.has(other));
      return before.length === 0 ? 0 : before.reduce((sum, other) => sum + row.get(other)!, 0) / before.length;
    };
    ids.sort((a, b) => average(a) - average(b)).forEach((id, index) => row.set(id, index));
  }
  const boxOf = (service: ServiceName) => (workQueueOf(service) ? QUEUEING_SERVICE_BOX : SERVICE_BOX);
  const rowHeight = Math.max(EVENT_BOX.height, ...services.map(({ service }) => boxOf(service).height)) + ROW_GAP;
  const tallest = Math.max(...columns.map((ids) => ids.length));
  const top = (count: number) => MARGIN + ((tallest - count) * rowHeight) / 2;
  const box = (id: string, size: { width: number; height: number }): Box => {
    const ids = columns[column.get(id)!];
    return { id, x: MARGIN + column.get(id)! * COLUMN, y: top(ids.length) + row.get(id)! * rowHeight + (rowHeight - size.height) / 2, ...size };
  };
  const nodes: MapNode[] = [
    ...services.map(
      ({ service, reactsTo, publishes }): MapNode => ({
        ...box(serviceId(service), boxOf(service)),
        kind: 'service',
        service,
        reacts: reactsTo.length > 0,
        publishes: publishes.length > 0,
        workQueue: workQueueOf(service) ?? null,
      }),
    ),
    ...events.map(({ eventType, topic }): MapNode => ({ ...box(eventId(eventType), EVENT_BOX), kind: 'event', eventType, topic })),
  ];
  const boxes = new Map(nodes.map((node) => [node.id, node]));
  const bottom = MARGIN + tallest * rowHeight;
  let lanes = 0;
  const edge = (kind: MapEdge['kind'], service: ServiceName, eventType: string, topic: string): MapEdge => {
    const [from, to] = kind === 'publishes' ? [boxes.get(serviceId(service))!, boxes.get(eventId(eventType))!] : [boxes.get(eventId(eventType))!, boxes.get(serviceId(service))!];
    const skips = column.get(to.id)! - column.get(from.id)! > 1;
    const route = skips ? beneath(from, to, bottom + LANE * ++lanes) : between(from, to);
    const id = `${kind === 'publishes' ? service : eventType}>${kind === 'publishes' ? eventType : service}`;
    return { id, kind, service, eventType, topic, ...route };
  };
  const edges = events.flatMap(({ eventType, topic, publisher, reactors }) => [
    edge('publishes', publisher, eventType, topic),
    ...reactors.map((service) => edge('reacts', service, eventType, topic)),
  ]);
  return { width: 2 * MARGIN + (columns.length - 1) * COLUMN + SERVICE_BOX.width, height: bottom + LANE * lanes + MARGIN, nodes, edges };
}

function serviceId(service: string): string {
  return `service:${service}`;
}

function eventId(eventType: string): string {
  return `event:${eventType}`;
}

/** A curve from one box to a box in the next column. */
function between(from: Box, to: Box): Pick<MapEdge, 'path' | 'label'> {
  const [x1, y1, x2, y2] = [from.x + from.width, from.y + from.height / 2, to.x, to.y + to.height / 2];
  const bend = (x2 - x1) / 2;
  return { path: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`, label: { x: (x1 + x2) / 2, y: (y1 + y2) / 2 } };
}

/** Down from one box to a lane beneath every box, along it, and up to a box columns away. */
function beneath(from: Box, to: Box, lane: number): Pick<MapEdge, 'path' | 'label'> {
  const [x1, y1, x2, y2] = [from.x + from.width, from.y + from.height / 2, to.x, to.y + to.height / 2];
  const turn = 40;
  return {
    path: `M${x1},${y1} C${x1 + turn},${y1} ${x1 + turn},${lane} ${x1 + 2 * turn},${lane} L${x2 - 2 * turn},${lane} C${x2 - turn},${lane} ${x2 - turn},${y2} ${x2},${y2}`,
    label: { x: (x1 + x2) / 2, y: lane },
  };
}
