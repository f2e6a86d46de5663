package dev.pier.controllers.attachdetach;

import dev.pier.apiserver.client.LocalClient;
import dev.pier.controllers.runtime.EventRecorder;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;

import java.time.Clock;

/**
 * Kubernetes' attach/detach controller for CSI volumes (decision 018): every volume that a scheduled,
 * unfinished pod needs gets a VolumeAttachment for the pod's node, which the cloud attacher serves; a
 * ReadWriteOnce volume is attached to one node at a time; an attachment goes once no pod of its node needs
 * the volume and the node has stopped using it; each node's {@code status.volumesAttached} says what is
 * attached there.
 *
 * <p>Two kinds of key share one queue ({@link AttachDetachKey}): volume keys decide attachments
 * ({@link VolumeSync}), node keys write the node's list and announce attachments ({@link NodeStatusSync}).
 * Reads come from informers, writes go through the in-process client; every key carries its cell.
 */
public final class AttachDetachController implements Reconciler<AttachDetachKey> {
    private final VolumeSync volumeSync;
    private final NodeStatusSync nodeSync;

    private AttachDetachController(VolumeSync volumeSync, NodeStatusSync nodeSync) {
        this.volumeSync = volumeSync;
        this.nodeSync = nodeSync;
    }

    /** The controller, with its informer handlers registered on {@code queue}. */
    public static AttachDetachController create(LocalClient client, Informer pods, Informer claims, Informer volumes,
                                                Informer attachments, Informer drivers, Informer nodes,
                                                EventRecorder recorder, WorkQueue<AttachDetachKey> queue, Clock clock) {
        VolumeUsers users = new VolumeUsers(pods, claims);
        AttachEvents events = new AttachEvents(recorder);
        Requeues.register(queue, users, pods, claims, volumes, attachments, drivers, nodes);
        return new AttachDetachController(
                new VolumeSync(client, volumes, attachments, drivers, nodes, users, events, clock),
                new NodeStatusSync(client, nodes, volumes, attachments, users, events));
    }

    @Override
    public Result sync(AttachDetachKey key) {
        return switch (key) {
            case AttachDetachKey.Volume volume -> volumeSync.sync(volume);
            case AttachDetachKey.Node node -> nodeSync.sync(node);
        };
    }
}
