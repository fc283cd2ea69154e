// A resident's day in a stock Apollo Client app, one pass/fail line per step; exits 1 on any
// failure. CITIZEN_API_URL is a production-mode API with the trusted-documents allow-list on.
import { CombinedGraphQLErrors, gql } from "@apollo/client";
import { createApp, documentFor } from "./client.mjs";

const { client, state, sockets } = createApp(process.env.CITIZEN_API_URL);
const CITADEL = { latitude: 16.4698, longitude: 107.5786 };
const THUY_BANG = { latitude: 16.4, longitude: 107.58 };
const SPEC = "application/graphql-response+json";
const RADIUS = 30_000; // both searches find the same facilities, at other distances
let failed = 0;

async function step(name, run) {
  try {
    const detail = await run();
    console.log(`pass: ${name}${detail ? ` (${detail})` : ""}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL: ${name}: ${error?.stack ?? error}`);
  }
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const query = (name, variables, fetchPolicy = "network-only") =>
  client.query({ query: documentFor(name), variables, fetchPolicy }).then((r) => r.data);
const mutate = (name, variables, options = {}) =>
  client.mutate({ mutation: documentFor(name), variables, ...options }).then((r) => r.data);
const cached = (name, variables) => client.readQuery({ query: documentFor(name), variables });
const distances = (data) =>
  Object.fromEntries(data.healthFacilities.edges.map((e) => [e.node.id, e.distanceMeters]));

let firstSearch;
let slots = [];
let booked;

await step("sign in with Login", async () => {
  const data = await mutate("Login", { identifier: "0905000001", password: "hue-demo-2026" });
  state.session = data.login;
  check(state.session.accessToken && state.session.refreshToken, "no session");
  return state.session.user.displayName;
});

await step("home screen", async () => {
  const home = await query("Home", { near: CITADEL });
  check(home.viewer.displayName, "no viewer");
  check(home.nearbyHospitals.edges.length > 0, "no hospitals nearby");
  return `${home.viewer.unreadNotificationCount} unread`;
});

await step("facility search twice; the first list keeps its distances", async () => {
  const variables = { near: CITADEL, radiusMeters: RADIUS };
  firstSearch = await query("HealthFacilities", variables);
  const second = await query("HealthFacilities", { near: THUY_BANG, radiusMeters: RADIUS });
  const [before, other] = [distances(firstSearch), distances(second)];
  const shared = Object.keys(before).filter((id) => id in other && other[id] !== before[id]);
  check(shared.length > 0, "the two searches share no facility at another distance");
  const after = distances(cached("HealthFacilities", variables));
  check(JSON.stringify(after) === JSON.stringify(before), "the first list's distances changed");
  return `${shared.length} facilities in both lists at other distances`;
});

await step("book a slot; my appointments shows it (refetchQueries)", async () => {
  const mine = { status: "BOOKED" };
  const listed = await query("MyAppointments", mine);
  // From tomorrow: an appointment can be moved only up to two hours before it starts, and at
  // some hours of the day today's first free slot is closer than that.
  const from = new Date(Date.now() + 24 * 3600 * 1000);
  const to = new Date(from.getTime() + 14 * 24 * 3600 * 1000);
  for (const edge of firstSearch.healthFacilities.edges) {
    const found = await query("AvailableSlots", {
      facilityId: edge.node.id,
      from: from.toISOString(),
      to: to.toISOString(),
    });
    const free = found.availableSlots.edges.map((e) => e.node).filter((s) => s.remaining > 0);
    // Two slots apart in time: nobody holds two appointments at once, and the walk books the
    // first again after moving to the second (slots of two specialties may start together).
    const later = free.find((slot) => free[0] && new Date(slot.start) >= new Date(free[0].end));
    slots = later ? [free[0], later] : [];
    if (slots.length === 2) break;
  }
  check(slots.length === 2, "no facility has two free slots apart in time");
  const data = await mutate(
    "BookAppointment",
    { input: { slotId: slots[0].id, patient: { self: true } } },
    // The list may not be on screen (not watched), so name the query with its variables.
    {
      refetchQueries: [{ query: documentFor("MyAppointments"), variables: mine }],
      awaitRefetchQueries: true,
    },
  );
  booked = data.bookAppointment;
  check(booked.status === "BOOKED", `status ${booked.status}`);
  const ids = cached("MyAppointments", mine).viewer.appointments.edges.map((e) => e.node.id);
  check(ids.includes(booked.id), "the cached list does not show the booking");
  const before = listed.viewer.appointments.edges.length;
  return `queue number ${booked.queueNumber}; list ${before} → ${ids.length}`;
});

await step("reschedule; the old appointment is CANCELLED in the cache", async () => {
  const data = await mutate("RescheduleAppointment", {
    appointmentId: booked.id,
    newSlotId: slots[1].id,
  });
  const moved = data.rescheduleAppointment;
  check(moved.replaces.id === booked.id, "replaces is not the old appointment");
  const old = client.readFragment({
    id: client.cache.identify({ __typename: "Appointment", id: booked.id }),
    fragment: gql`
      fragment OldStatus on Appointment {
        status
      }
    `,
  });
  check(old.status === "CANCELLED", `cached status ${old.status}`);
  const listed = cached("MyAppointments", { status: "BOOKED" }).viewer.appointments.edges;
  const inList = listed.find((e) => e.node.id === booked.id);
  check(inList?.node.status === "CANCELLED", "the cached list still shows it BOOKED");
  return "list entry CANCELLED too";
});

await step("read a notification; the unread count drops in the cache", async () => {
  const inbox = await query("Inbox", { unreadOnly: true });
  const count = inbox.viewer.unreadNotificationCount;
  const unread = inbox.viewer.notifications.edges.map((e) => e.node);
  check(count > 0 && unread.length > 0, "nothing unread (booking should have notified)");
  await mutate("ReadNotifications", { ids: [unread[0].id] });
  const home = cached("Home", { near: CITADEL });
  check(home.viewer.unreadNotificationCount === count - 1, "the home screen's count is stale");
  const entry = client.readFragment({
    id: client.cache.identify(unread[0]),
    fragment: gql`
      fragment ReadAt on Notification {
        readAt
      }
    `,
  });
  check(entry.readAt, "the cached notification is still unread");
  return `${count} → ${count - 1}`;
});

await step("a live notification over the subscription; the cached unread count rises", async () => {
  const before = cached("Home", { near: CITADEL }).viewer.unreadNotificationCount;
  const received = [];
  let stopListening;
  const ready = new Promise((resolve) => {
    stopListening = sockets.on("connected", resolve);
  });
  const subscription = client
    .subscribe({ query: documentFor("NotificationReceived") })
    .subscribe({ next: (result) => received.push(result), error: (e) => received.push({ e }) });
  await ready;
  stopListening();
  // The protocol has no "subscribed" answer: give the server a moment to start listening.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  // A booking confirmation lands in the inbox (the slot the reschedule freed).
  await mutate("BookAppointment", { input: { slotId: slots[0].id, patient: { self: true } } });
  const deadline = Date.now() + 10_000;
  while (!received.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  subscription.unsubscribe();
  await sockets.dispose();
  check(received.length === 1, `received ${JSON.stringify(received)}`);
  const event = received[0].data?.notificationReceived;
  check(event?.notification.type === "appointment.booked", JSON.stringify(received[0]));
  const after = cached("Home", { near: CITADEL }).viewer.unreadNotificationCount;
  check(after === before + 1, `the cached count went ${before} → ${after}`);
  return `${event.notification.type}; cached count ${before} → ${after}`;
});

await step("refresh the session on UNAUTHENTICATED", async () => {
  const expires = new Date(state.session.accessTokenExpiresAt).getTime();
  const wait = Math.max(0, expires - Date.now() + 1500);
  await new Promise((resolve) => setTimeout(resolve, wait));
  const oldRefreshToken = state.session.refreshToken;
  const home = await query("Home", { near: CITADEL });
  check(state.refreshes === 1, `${state.refreshes} refreshes`);
  check(state.session.refreshToken !== oldRefreshToken, "the refresh token did not rotate");
  check(home.viewer.displayName, "no viewer after the refresh");
  return `waited ${Math.round(wait / 1000)} s for the access token to expire`;
});

await step("a variable error: 400 without data in the spec's media type, a coded error", async () => {
  const answered = state.answers.length;
  const error = await query("HealthFacilities", { near: { latitude: "north" } }).then(
    () => null,
    (e) => e,
  );
  check(error, "the query succeeded");
  const [answer] = state.answers.slice(answered);
  check(answer.status === 400 && answer.type === SPEC && !answer.data, JSON.stringify(answer));
  check(CombinedGraphQLErrors.is(error), `Apollo reported ${error.name}`);
  check(error.errors[0].extensions.code === "BAD_USER_INPUT", error.message);
  return `${answer.status} ${answer.type}, ${error.name}`;
});

await step("an operation outside the manifest: PersistedQueryNotFound, resent, refused", async () => {
  const stranger = createApp(process.env.CITIZEN_API_URL, { runtimeIds: true });
  const error = await stranger.client
    .query({ query: gql`query Stranger { healthSpecialties { code } }` })
    .then(() => null, (e) => e);
  const [notFound, refused] = stranger.state.answers;
  check(notFound?.codes[0] === "PERSISTED_QUERY_NOT_FOUND", JSON.stringify(notFound));
  check(notFound.status === 400 && notFound.type === SPEC, JSON.stringify(notFound));
  check(stranger.state.sentWithText.join() === "Stranger", "Apollo did not resend the text");
  check(refused?.codes[0] === "OPERATION_NOT_ALLOWED", JSON.stringify(refused));
  check(CombinedGraphQLErrors.is(error), `Apollo reported ${error?.name}`);
  check(error.errors[0].extensions.code === "OPERATION_NOT_ALLOWED", error.message);
  return `${notFound.status} then ${refused.status}, ${error.name}`;
});

await step("every document sent is the manifest's, by id only", async () => {
  check(state.mismatches.length === 0, JSON.stringify(state.mismatches.map((m) => m.reason)));
  check(state.sentWithText.length === 0, `sent with text: ${state.sentWithText}`);
});

process.exit(failed ? 1 : 0);
